/**
 * Real Alertmanager behind the sandbox rewrite: every receiver becomes a webhook to the sink, yet
 * the product's routing tree and inhibition decide who gets what.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monitoringBinaries } from "../../harness/monitoringGeneration.ts";
import { loadStack } from "../../src/config/index.ts";
import { buildAlertmanagerConfig } from "../../src/manifests/monitoring/alerting/alertmanagerReceivers.ts";
import {
  type AlertmanagerServer,
  sandboxAlertmanagerConfig,
  startAlertmanager,
} from "../../src/sandbox/infra/alertmanager.ts";
import { pollUntil } from "../../src/sandbox/infra/poll.ts";
import { ProcessSupervisor } from "../../src/sandbox/infra/processes.ts";
import { startWebhookSink, type WebhookSink } from "../../src/sandbox/infra/webhookSink.ts";

const SMALL_CONFIG = {
  global: { resolve_timeout: "5m", slack_api_url: "https://hooks.slack.invalid/x" },
  route: {
    receiver: "team",
    group_by: ["alertname"],
    group_wait: "30s",
    routes: [
      { receiver: "pager", matchers: ['severity="critical"'], group_wait: "10s", repeat_interval: "1h" },
    ],
  },
  receivers: [
    { name: "team", slack_configs: [{ channel: "#alerts" }] },
    { name: "pager", pagerduty_configs: [{ routing_key: "not-a-key" }] },
  ],
  inhibit_rules: [
    { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["agent"] },
  ],
};

let supervisor: ProcessSupervisor;
let sink: WebhookSink;

beforeAll(async () => {
  supervisor = await ProcessSupervisor.create();
  sink = await startWebhookSink();
});

afterAll(async () => {
  await supervisor?.stop();
  await sink?.close();
});

describe("sandbox Alertmanager config", () => {
  it("points every receiver at the sink and keeps routes, matchers and inhibition", async () => {
    const sandbox = sandboxAlertmanagerConfig(SMALL_CONFIG, "http://127.0.0.1:9");
    expect(sandbox.receivers).toEqual([
      {
        name: "team",
        webhook_configs: [{ url: "http://127.0.0.1:9/receivers/team", send_resolved: true, max_alerts: 0 }],
      },
      {
        name: "pager",
        webhook_configs: [{ url: "http://127.0.0.1:9/receivers/pager", send_resolved: true, max_alerts: 0 }],
      },
    ]);
    expect(sandbox.route).toEqual({
      receiver: "team",
      group_by: ["alertname"],
      group_wait: "1s",
      group_interval: "2s",
      routes: [
        { receiver: "pager", matchers: ['severity="critical"'], group_wait: "1s", repeat_interval: "1h" },
      ],
    });
    expect(sandbox.inhibit_rules).toEqual(SMALL_CONFIG.inhibit_rules);
    expect(sandbox.global).toEqual({ resolve_timeout: "5m" });
  });

  it("passes amtool check-config for the product's prod configuration", async () => {
    const alertmanager = await startAlertmanager(supervisor, {
      config: buildAlertmanagerConfig(loadStack("prod").fleet),
      sinkUrl: sink.url,
    });
    const { stdout } = await promisify(execFile)(monitoringBinaries().amtool, [
      "check-config",
      alertmanager.configFile,
    ]);
    expect(stdout).toContain("SUCCESS");
    expect(stdout).toContain("4 receivers");
    await alertmanager.stop();
  });
});

describe("Alertmanager delivering to the sink", () => {
  it("is the selected generation's Alertmanager", async () => {
    const alertmanager = await startAlertmanager(supervisor, { config: SMALL_CONFIG, sinkUrl: sink.url });
    const status = (await (await fetch(`${alertmanager.url}/api/v2/status`)).json()) as {
      versionInfo: { version: string };
    };
    expect(status.versionInfo.version).toMatch(monitoringBinaries().expectedVersions.alertmanager);
    await alertmanager.stop();
  });

  it("delivers a posted alert to the receiver its route picks", async () => {
    const alertmanager = await startAlertmanager(supervisor, { config: SMALL_CONFIG, sinkUrl: sink.url });
    await alertmanager.postAlerts([
      {
        labels: {
          alertname: "AgentErrorRateHigh",
          severity: "critical",
          namespace: "data-processing",
          agent: "x",
        },
        annotations: { summary: "errors" },
      },
    ]);
    const { notification, alert } = await sink.waitForAlert({ alertname: "AgentErrorRateHigh" }, 15_000);
    expect(notification.receiver).toBe("pager");
    expect(alert.status).toBe("firing");
    expect(alert.labels).toMatchObject({ agent: "x", severity: "critical" });
    expect(alert.annotations.summary).toBe("errors");
    await alertmanager.stop();
  });

  describe("with the product's prod routing tree", () => {
    let alertmanager: AlertmanagerServer;
    beforeAll(async () => {
      alertmanager = await startAlertmanager(supervisor, {
        config: buildAlertmanagerConfig(loadStack("prod").fleet),
        sinkUrl: sink.url,
      });
    });
    afterAll(async () => {
      await alertmanager?.stop();
    });

    it("pages on-call for critical, tells the team about warnings, and inhibits warnings of a paged agent", async () => {
      const agent = (name: string) => ({ namespace: "data-processing", agent: name, environment: "prod" });
      await alertmanager.postAlerts([
        { labels: { alertname: "AgentUnhealthy", severity: "critical", ...agent("ingest") } },
        { labels: { alertname: "AgentDataQualityLow", severity: "warning", ...agent("ingest") } },
        { labels: { alertname: "AgentDataQualityLow", severity: "warning", ...agent("enrich") } },
      ]);
      await sink.waitForAlert({
        receiver: "oncall",
        alertname: "AgentUnhealthy",
        labels: { agent: "ingest" },
      });
      await sink.waitForAlert({
        receiver: "webhook",
        alertname: "AgentUnhealthy",
        labels: { agent: "ingest" },
      });
      await sink.waitForAlert({
        receiver: "team",
        alertname: "AgentDataQualityLow",
        labels: { agent: "enrich" },
      });
      // Alertmanager itself holds ingest's warning as inhibited by the critical alert (its API
      // shows what its notification pipeline checks), whatever the machine's speed...
      const held = await pollUntil(
        async () => {
          const filter = ['alertname="AgentDataQualityLow"', 'agent="ingest"']
            .map((matcher) => `filter=${encodeURIComponent(matcher)}`)
            .join("&");
          const alerts = (await (
            await fetch(`${alertmanager.url}/api/v2/alerts?${filter}`)
          ).json()) as Array<{
            status: { state: string; inhibitedBy: string[] };
          }>;
          return alerts.find((alert) => alert.status.inhibitedBy.length > 0);
        },
        { description: "ingest's warning inhibited" },
      );
      expect(held?.status.state).toBe("suppressed");
      // ...and one more group interval later, no notification for it reached the sink.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(sink.received({ alertname: "AgentDataQualityLow", labels: { agent: "ingest" } })).toEqual([]);
      expect(sink.received({ receiver: "oncall", alertname: "AgentDataQualityLow" })).toEqual([]);
    });

    it("sends dev-labelled alerts to the webhook receiver only", async () => {
      await alertmanager.postAlerts([
        {
          labels: {
            alertname: "AgentLatencyCritical",
            severity: "critical",
            namespace: "dev-ns",
            agent: "a",
            environment: "dev",
          },
        },
      ]);
      await sink.waitForAlert({ receiver: "webhook", alertname: "AgentLatencyCritical" });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const receivers = sink
        .received({ alertname: "AgentLatencyCritical" })
        .map((hit) => hit.notification.receiver);
      expect(new Set(receivers)).toEqual(new Set(["webhook"]));
    });
  });
});
