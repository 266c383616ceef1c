/** Alertmanager test helpers: fleets with chosen receivers, and `amtool config routes test`. */

import type { FleetConfig, ReceiversInput } from "../../../src/config/index.ts";
import { parseFleetConfig, SecretRef } from "../../../src/config/index.ts";
import { runTool } from "./tools.ts";

const SECRET_FOR: Record<string, "slackApiUrl" | "pagerdutyRoutingKey" | "smtpPassword"> = {
  slack: "slackApiUrl",
  pagerduty: "pagerdutyRoutingKey",
  email: "smtpPassword",
};

/** A one-agent fleet with exactly these receivers (and the secrets they need, as references). */
export function fleetWithReceivers(environment: "dev" | "prod", receivers: ReceiversInput): FleetConfig {
  const secrets = Object.fromEntries(
    Object.keys(receivers)
      .filter((name) => SECRET_FOR[name])
      .map((name) => [SECRET_FOR[name], new SecretRef(SECRET_FOR[name] as "slackApiUrl", "stack")]),
  );
  return parseFleetConfig(
    {
      environment,
      resourcePool: { cpu: "8", memory: "32Gi", storage: "1Ti" },
      agents: [{ id: "ingest", image: "ghcr.io/x/ingest", version: "1.0.0", replicas: { min: 1, max: 1 } }],
      alerting: { receivers },
      ...secrets,
    },
    { source: `fleet with receivers ${Object.keys(receivers).join(", ")}` },
  );
}

export const EMAIL = {
  to: ["oncall@example.com"],
  from: "am@example.com",
  smarthost: "smtp.example.com:587",
  authUsername: "am",
};

/** The receivers an alert with these labels reaches, as amtool resolves them (`a,b`). */
export function routeOf(configFile: string, labels: Record<string, string>): string {
  const args = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
  const result = runTool("amtool", ["config", "routes", "test", `--config.file=${configFile}`, ...args]);
  if (result.status !== 0) throw new Error(`amtool config routes test failed: ${result.output}`);
  return result.stdout.trim();
}
