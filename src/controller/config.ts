/**
 * Controller settings from environment variables (the Deployment sets them). Invalid values fail
 * at start, naming the variable.
 */
import { hostname } from "node:os";
import { z } from "zod";
import { ROLLOUT_CONTROLLER } from "../contract/controller.ts";
import { CONTROLLER_OPS_PORT } from "../contract/ports.ts";

const seconds = (fallback: number) =>
  z.coerce
    .number()
    .positive()
    .default(fallback)
    .transform((value) => Math.round(value * 1000));
const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true" || value === "1");

/** Each key is the environment variable that sets it. */
const environmentSchema = z.object({
  KUBE_API_SERVER: z.url().optional(),
  WATCH_NAMESPACES: z.string().default(""),
  POD_NAMESPACE: z.string().min(1).default("agent-fleet-system"),
  POD_NAME: z.string().min(1).default(`${hostname()}-${process.pid}`),
  LEADER_ELECTION: flag(true),
  LEASE_NAME: z.string().min(1).default(ROLLOUT_CONTROLLER),
  LEASE_DURATION_SECONDS: seconds(15),
  RENEW_DEADLINE_SECONDS: seconds(10),
  RETRY_PERIOD_SECONDS: seconds(2),
  PROMETHEUS_URL: z.url().default("http://prometheus-operated.monitoring.svc:9090"),
  PROMETHEUS_TIMEOUT_SECONDS: seconds(5),
  PROMETHEUS_BREAKER_FAILURES: z.coerce.number().int().positive().default(3),
  PROMETHEUS_BREAKER_OPEN_SECONDS: seconds(30),
  API_TIMEOUT_SECONDS: seconds(10),
  OPS_HOST: z.string().default("0.0.0.0"),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(CONTROLLER_OPS_PORT),
  WORKERS: z.coerce.number().int().positive().default(4),
  RESYNC_SECONDS: seconds(300),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `haproxy` serves `gatewayAPI` AgentRollouts through HAProxy's runtime API (local sandbox). */
  GATEWAY_ROUTER: z.enum(["gatewayAPI", "haproxy"]).default("gatewayAPI"),
  HAPROXY_ADDRESS: z.string().optional(),
});

export type ControllerSettings = ReturnType<typeof toSettings>;

function toSettings(env: z.output<typeof environmentSchema>) {
  return {
    kubeApiServer: env.KUBE_API_SERVER,
    namespaces: env.WATCH_NAMESPACES.split(",")
      .map((name) => name.trim())
      .filter(Boolean),
    podNamespace: env.POD_NAMESPACE,
    identity: env.POD_NAME,
    leaderElection: env.LEADER_ELECTION,
    leaseName: env.LEASE_NAME,
    leaseDurationMs: env.LEASE_DURATION_SECONDS,
    renewDeadlineMs: env.RENEW_DEADLINE_SECONDS,
    retryPeriodMs: env.RETRY_PERIOD_SECONDS,
    prometheusUrl: env.PROMETHEUS_URL,
    prometheusTimeoutMs: env.PROMETHEUS_TIMEOUT_SECONDS,
    breakerFailures: env.PROMETHEUS_BREAKER_FAILURES,
    breakerOpenMs: env.PROMETHEUS_BREAKER_OPEN_SECONDS,
    apiTimeoutMs: env.API_TIMEOUT_SECONDS,
    opsHost: env.OPS_HOST,
    opsPort: env.OPS_PORT,
    workers: env.WORKERS,
    resyncMs: env.RESYNC_SECONDS,
    logLevel: env.LOG_LEVEL,
    gatewayRouter: env.GATEWAY_ROUTER,
    haproxyAddress: env.HAPROXY_ADDRESS,
  };
}

export class SettingsError extends Error {}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): ControllerSettings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new SettingsError(`invalid controller settings: ${problems.join("; ")}`);
  }
  const settings = toSettings(parsed.data);
  if (settings.renewDeadlineMs >= settings.leaseDurationMs) {
    throw new SettingsError(
      "RENEW_DEADLINE_SECONDS must be shorter than LEASE_DURATION_SECONDS (a leader must stop before others may start)",
    );
  }
  if (settings.gatewayRouter === "haproxy" && !settings.haproxyAddress) {
    throw new SettingsError(
      "GATEWAY_ROUTER=haproxy needs HAPROXY_ADDRESS (host:port or socket path of the runtime API)",
    );
  }
  return settings;
}
