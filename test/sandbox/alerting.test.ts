/**
 * The whole alert path of the sandbox with real processes: an unhealthy sample agent, Prometheus
 * scraping it and evaluating an alert rule, Alertmanager routing the alert, the webhook sink
 * receiving it with the target labels the rule kept.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchAgent } from "../../src/sandbox/agent/launch.ts";
import { startAlertmanager } from "../../src/sandbox/infra/alertmanager.ts";
import { ProcessSupervisor } from "../../src/sandbox/infra/processes.ts";
import { startPrometheus } from "../../src/sandbox/infra/prometheus.ts";
import { startWebhookSink, type WebhookSink } from "../../src/sandbox/infra/webhookSink.ts";

const RULES = `groups:
  - name: sandbox-alerting-test
    rules:
      - alert: SandboxAgentUnhealthy
        expr: max by (namespace, agent, track) (agent_health_status) == 2
        labels:
          severity: critical
        annotations:
          summary: Agent reports itself unhealthy.
`;

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

describe("alert path", () => {
  it("carries an agent's unhealthy status from /metrics to the sink via Prometheus and Alertmanager", async () => {
    const rulesFile = join(supervisor.dir("rules"), "rules.yml");
    await writeFile(rulesFile, RULES);
    const config = {
      route: {
        receiver: "team",
        group_by: ["namespace", "agent", "alertname"],
        routes: [{ receiver: "oncall", matchers: ['severity="critical"'] }],
      },
      receivers: [{ name: "team" }, { name: "oncall" }],
    };
    const [alertmanager, agent] = await Promise.all([
      startAlertmanager(supervisor, { config, sinkUrl: sink.url }),
      launchAgent(
        supervisor,
        {
          namespace: "data-processing",
          agent: "enrich",
          track: "green",
          pod: "enrich-green-0",
          version: "2.0.0-unhealthy",
        },
        { waitReady: false },
      ),
    ]);
    const prometheus = await startPrometheus(supervisor, {
      ruleFiles: [rulesFile],
      alertmanager: alertmanager.address,
    });
    await prometheus.setTargets([
      {
        address: agent.address,
        labels: { namespace: "data-processing", agent: "enrich", track: "green", pod: "enrich-green-0" },
      },
    ]);

    const { notification, alert } = await sink.waitForAlert({ alertname: "SandboxAgentUnhealthy" }, 30_000);
    expect(notification.receiver).toBe("oncall");
    expect(alert.status).toBe("firing");
    expect(alert.labels).toEqual({
      alertname: "SandboxAgentUnhealthy",
      severity: "critical",
      namespace: "data-processing",
      agent: "enrich",
      track: "green",
    });
    expect(alert.annotations.summary).toBe("Agent reports itself unhealthy.");
  });
});
