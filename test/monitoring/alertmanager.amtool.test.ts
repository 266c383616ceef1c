import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fillAlertmanagerSecrets } from "../../src/manifests/monitoring/alerting/alertmanager.ts";
import { buildAlertmanagerConfig } from "../../src/manifests/monitoring/alerting/alertmanagerReceivers.ts";
import { renderStack } from "../../src/render/renderStack.ts";
import { writeFiles } from "../../src/render/write.ts";
import { EMAIL, fleetWithReceivers, routeOf } from "./support/alerting.ts";
import { stackFleet } from "./support/fleets.ts";
import { runTool, tempDir, writeAlertmanagerConfig } from "./support/tools.ts";

const PROJECT = join(import.meta.dirname, "..", "..");
const SEVERITY = ["critical", "error", "warning", "info"] as const;

function renderedConfigFile(stack: "dev" | "prod"): string {
  const out = tempDir(`render-${stack}`);
  writeFiles(out, renderStack(stack, PROJECT).files);
  return join(out, "alertmanager", "alertmanager.yaml");
}

describe("amtool check-config on the offline render", () => {
  it.each(["dev", "prod"] as const)("%s: alertmanager/alertmanager.yaml is valid", (stack) => {
    const result = runTool("amtool", ["check-config", renderedConfigFile(stack)]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS");
  });

  it("prod: every credential is a clearly marked placeholder, filled in by secret values only", () => {
    const config = buildAlertmanagerConfig(stackFleet("prod"));
    const text = JSON.stringify(config);
    for (const key of ["slackApiUrl", "pagerdutyRoutingKey", "smtpPassword", "webhookBearerToken"]) {
      expect(text).toContain(`<secret:${key}>`);
    }
    const filled = fillAlertmanagerSecrets(config, {
      slackApiUrl: "https://hooks.slack.com/services/T0/B0/x",
      pagerdutyRoutingKey: "pd-key",
      smtpPassword: 'p#ss: "word"',
      webhookBearerToken: "token",
    });
    expect(JSON.stringify(filled)).not.toContain("<secret:");
    expect(filled.global.slack_api_url).toBe("https://hooks.slack.com/services/T0/B0/x");
    expect(filled.global.smtp_auth_password).toBe('p#ss: "word"');
    const result = runTool("amtool", ["check-config", writeAlertmanagerConfig(filled)]);
    expect(result.status, result.output).toBe(0);
  });

  it("uses matchers only, never the deprecated match/match_re", () => {
    for (const stack of ["dev", "prod"] as const) {
      const text = JSON.stringify(buildAlertmanagerConfig(stackFleet(stack)));
      expect(text).not.toMatch(
        /"(match|match_re|source_match|source_match_re|target_match|target_match_re)"/,
      );
      expect(text).toContain('"matchers"');
      expect(text).toContain('"source_matchers"');
    }
  });
});

describe("amtool config routes test: where each severity goes, per environment", () => {
  const prod = renderedConfigFile("prod");
  const dev = renderedConfigFile("dev");
  const route = (file: string, labels: Record<string, string>) =>
    routeOf(file, {
      alertname: "AgentErrorRateHigh",
      namespace: "data-processing",
      agent: "ingest",
      ...labels,
    });

  it.each(["prod", "staging", undefined])("prod stack, alerts of environment %s", (environment) => {
    const env: Record<string, string> = environment ? { environment } : {};
    expect(SEVERITY.map((severity) => route(prod, { severity, ...env }))).toEqual([
      "webhook,oncall",
      "webhook,team",
      "webhook,team",
      "blackhole",
    ]);
  });

  it("prod stack, alerts of a dev agent: webhook only, info nowhere", () => {
    expect(SEVERITY.map((severity) => route(prod, { severity, environment: "dev" }))).toEqual([
      "webhook",
      "webhook",
      "webhook",
      "blackhole",
    ]);
  });

  it.each(["dev", "prod", undefined])("dev stack, alerts of environment %s: webhook only", (environment) => {
    const env: Record<string, string> = environment ? { environment } : {};
    expect(SEVERITY.map((severity) => route(dev, { severity, ...env }))).toEqual([
      "webhook",
      "webhook",
      "webhook",
      "blackhole",
    ]);
  });

  it("the prod receivers hold the channels REQUIREMENTS.md names", () => {
    const receivers = Object.fromEntries(
      buildAlertmanagerConfig(stackFleet("prod")).receivers.map((r) => [r.name, r]),
    );
    expect(Object.keys(receivers.oncall ?? {}).sort()).toEqual([
      "email_configs",
      "name",
      "pagerduty_configs",
      "slack_configs",
    ]);
    expect(Object.keys(receivers.team ?? {}).sort()).toEqual(["name", "slack_configs"]);
    expect(Object.keys(receivers.webhook ?? {}).sort()).toEqual(["name", "webhook_configs"]);
    expect(Object.keys(receivers.blackhole ?? {})).toEqual(["name"]);
  });
});

describe("escalation policy and fallbacks", () => {
  it("groups by namespace, agent, alertname; pages fast; repeats per severity from config", () => {
    const { route } = buildAlertmanagerConfig(stackFleet("prod"));
    expect(route.group_by).toEqual(["namespace", "agent", "alertname"]);
    const bySeverity = Object.fromEntries(
      (route.routes ?? [])
        .filter((r) => !r.continue && r.matchers?.[0]?.startsWith("severity="))
        .map((r) => [r.matchers?.[0], r]),
    );
    expect(bySeverity['severity="critical"']).toMatchObject({
      group_wait: "10s",
      group_interval: "1m",
      repeat_interval: "1h",
    });
    expect(bySeverity['severity="error"']).toMatchObject({ repeat_interval: "4h" });
    expect(bySeverity['severity="warning"']).toMatchObject({ repeat_interval: "12h" });
  });

  it("without PagerDuty, critical still reaches Slack; without Slack, email stands in", () => {
    const slackOnly = writeAlertmanagerConfig(
      buildAlertmanagerConfig(fleetWithReceivers("prod", { slack: { channel: "#alerts" } })),
    );
    expect(routeOf(slackOnly, { severity: "critical" })).toBe("oncall");
    expect(routeOf(slackOnly, { severity: "warning" })).toBe("team");
    const emailOnly = buildAlertmanagerConfig(fleetWithReceivers("prod", { email: EMAIL }));
    expect(emailOnly.receivers.find((r) => r.name === "team")).toHaveProperty("email_configs");
    expect(runTool("amtool", ["check-config", writeAlertmanagerConfig(emailOnly)]).status).toBe(0);
  });

  it("never notifies the webhook twice when it is also the fallback", () => {
    const config = buildAlertmanagerConfig(
      fleetWithReceivers("prod", {
        pagerduty: { severityMap: true },
        webhook: { url: "https://hooks.example.com/a" },
      }),
    );
    const file = writeAlertmanagerConfig(config);
    expect(routeOf(file, { severity: "critical" })).toBe("webhook,oncall");
    expect(routeOf(file, { severity: "error" })).toBe("webhook");
    expect(routeOf(file, { severity: "warning" })).toBe("webhook");
  });
});
