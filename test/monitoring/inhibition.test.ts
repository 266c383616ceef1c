import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAlertmanagerConfig } from "../../src/manifests/monitoring/alerting/alertmanagerReceivers.ts";
import { type RunningAlertmanager, startAlertmanager } from "./support/alertmanagerProcess.ts";
import { stackFleet } from "./support/fleets.ts";

const DP = "data-processing";

/** name/severity/namespace/agent → whether the running Alertmanager inhibits it. */
const FIRING: Array<{
  alertname: string;
  severity: string;
  namespace: string;
  agent: string;
  inhibited: boolean;
}> = [
  { alertname: "AgentUnhealthy", severity: "critical", namespace: DP, agent: "ingest", inhibited: false },
  // Critical silences error and warning of the same agent…
  { alertname: "AgentMemoryHigh", severity: "warning", namespace: DP, agent: "ingest", inhibited: true },
  { alertname: "AgentErrorRateHigh", severity: "error", namespace: DP, agent: "ingest", inhibited: true },
  // …and AgentUnhealthy silences the agent's latency and throughput alerts, even critical ones.
  {
    alertname: "AgentLatencyCritical",
    severity: "critical",
    namespace: DP,
    agent: "ingest",
    inhibited: true,
  },
  { alertname: "AgentThroughputDrop", severity: "error", namespace: DP, agent: "ingest", inhibited: true },
  // Other agents, and the same agent id in another namespace, are not touched.
  { alertname: "AgentLatencyHigh", severity: "warning", namespace: DP, agent: "enrich", inhibited: false },
  { alertname: "AgentErrorRateHigh", severity: "error", namespace: DP, agent: "enrich", inhibited: false },
  {
    alertname: "AgentDataQualityLow",
    severity: "warning",
    namespace: "ml-inference",
    agent: "ingest",
    inhibited: false,
  },
  // A critical that is not AgentUnhealthy silences nothing critical.
  { alertname: "AgentCPUCritical", severity: "critical", namespace: DP, agent: "export", inhibited: false },
  {
    alertname: "AgentQueueDepthCritical",
    severity: "critical",
    namespace: DP,
    agent: "export",
    inhibited: false,
  },
];

describe("inhibition in a running Alertmanager (prod config, alerts added with amtool)", () => {
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    alertmanager = await startAlertmanager(buildAlertmanagerConfig(stackFleet("prod")));
    for (const { inhibited: _, ...labels } of FIRING)
      alertmanager.addAlert({ ...labels, environment: "prod" });
  });
  afterAll(() => alertmanager?.stop());

  it("silences exactly the alerts the inhibit rules name", async () => {
    const key = (labels: { alertname?: string; namespace?: string; agent?: string }) =>
      `${labels.alertname} ${labels.namespace}/${labels.agent}`;
    const expected = FIRING.filter((alert) => alert.inhibited)
      .map(key)
      .sort();
    let inhibited: string[] = [];
    // The inhibitor learns about source alerts asynchronously: poll briefly.
    for (let attempt = 0; attempt < 50; attempt++) {
      const alerts = await alertmanager.alerts();
      inhibited = alerts
        .filter((alert) => alert.status.inhibitedBy.length > 0)
        .map((alert) => key(alert.labels))
        .sort();
      if (alerts.length === FIRING.length && JSON.stringify(inhibited) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(inhibited).toEqual(expected);
  });
});
