/**
 * Observability policies against prometheus-operator kinds: scrape config (PodMonitor /
 * ServiceMonitor), label-based alert coverage, runbook links. Pass and fail each.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/manifests/types.ts";
import {
  agentRollout,
  deployment,
  LABEL_BASED_ALERT,
  podMonitor,
  prometheusRule,
  service,
} from "./support/objects.ts";
import { testContext, urnOf, validateStack } from "./support/pack.ts";

function serviceMonitor(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: "agents", namespace: "monitoring" },
    spec,
  };
}

describe("agent-scrape-config", () => {
  it("passes agents selected by a PodMonitor on their metrics port", async () => {
    expect(
      await validateStack("agent-scrape-config", [deployment(), agentRollout("export"), podMonitor()]),
    ).toEqual([]);
  });

  it("passes an agent scraped through a ServiceMonitor in another namespace", async () => {
    const monitor = serviceMonitor({
      namespaceSelector: { matchNames: ["data-processing"] },
      selector: { matchLabels: { "app.kubernetes.io/part-of": "agent-fleet" } },
      endpoints: [{ port: "http-metrics" }],
    });
    expect(await validateStack("agent-scrape-config", [deployment(), service(), monitor])).toEqual([]);
  });

  it("fails agents no monitor selects, on the wrong port, or from another namespace", async () => {
    const onlyIngest = podMonitor({
      selector: { matchExpressions: [{ key: "agent", operator: "In", values: ["ingest"] }] },
    });
    const wrongPort = podMonitor({ podMetricsEndpoints: [{ port: "metrics" }] });
    const elsewhere = podMonitor({}, "monitoring");
    const objects = [deployment(), agentRollout("export"), onlyIngest, wrongPort, elsewhere];
    expect(await validateStack("agent-scrape-config", objects)).toEqual([
      {
        message:
          "agent export is not scraped: no PodMonitor or ServiceMonitor selects it on a metrics port; add one",
        urn: urnOf(agentRollout("export")),
      },
    ]);
  });
});

describe("agent-alerts", () => {
  it("passes when label-based alerts cover every agent, whatever the number of agents", async () => {
    const objects = [
      deployment(),
      agentRollout("export"),
      deployment("enrich"),
      prometheusRule([LABEL_BASED_ALERT]),
    ];
    expect(await validateStack("agent-alerts", objects)).toEqual([]);
  });

  it("fails agents left out: no rules, rules pinned to other agents, or rules over other series", async () => {
    const pinned = { ...LABEL_BASED_ALERT, expr: 'agent_records_failed_total{agent=~"ingest|enrich"} > 0' };
    const controller = {
      ...LABEL_BASED_ALERT,
      alert: "ControllerDown",
      expr: 'absent(up{job="agent-fleet-controller"})',
    };
    const objects = [deployment(), agentRollout("export"), prometheusRule([pinned, controller])];
    expect(await validateStack("agent-alerts", objects)).toEqual([
      {
        message:
          "no alerting rule covers agent export: add label-based alerts over agent_* series (a PrometheusRule)",
        urn: urnOf(agentRollout("export")),
      },
    ]);
    expect((await validateStack("agent-alerts", [deployment()])).map(({ message }) => message)).toEqual([
      "no alerting rule covers agent ingest: add label-based alerts over agent_* series (a PrometheusRule)",
    ]);
  });

  it("ignores recording rules and agent!= matchers", async () => {
    const recording = {
      record: "namespace_agent:agent_records_processed:rate5m",
      expr: "sum(rate(agent_records_processed_total[5m]))",
    };
    const excluding = { ...LABEL_BASED_ALERT, expr: 'agent_health_status{agent!="ingest"} > 1' };
    expect(await validateStack("agent-alerts", [deployment(), prometheusRule([recording])])).toHaveLength(1);
    expect(await validateStack("agent-alerts", [deployment(), prometheusRule([excluding])])).toEqual([]);
  });
});

describe("alert-runbooks", () => {
  it("passes alerts that link a runbook, and ignores recording rules", async () => {
    const recording = { record: "x:y:z", expr: "1" };
    expect(await validateStack("alert-runbooks", [prometheusRule([LABEL_BASED_ALERT, recording])])).toEqual(
      [],
    );
  });

  it("fails alerts without a runbook_url or with one that is not a link, blaming the PrometheusRule", async () => {
    const missing = {
      alert: "AgentDegraded",
      expr: "agent_health_status == 1",
      annotations: { summary: "s" },
    };
    const broken = {
      ...LABEL_BASED_ALERT,
      alert: "AgentUnhealthy",
      annotations: { runbook_url: "see wiki" },
    };
    const rules = prometheusRule([LABEL_BASED_ALERT, missing, broken]);
    expect(await validateStack("alert-runbooks", [rules])).toEqual([
      {
        message: "alert AgentDegraded (group agents) has no runbook_url: link its runbook page",
        urn: urnOf(rules),
      },
      {
        message:
          'alert AgentUnhealthy (group agents) has runbook_url "see wiki", not a valid link: link its runbook page',
        urn: urnOf(rules),
      },
    ]);
  });

  it("can require runbooks under the project's docs", async () => {
    const config = {
      runbookUrlPrefix: "https://github.com/agent-fleet/agent-fleet/blob/main/docs/runbooks/",
    };
    expect(
      await validateStack("alert-runbooks", [prometheusRule([LABEL_BASED_ALERT])], testContext(), config),
    ).toHaveLength(1);
  });
});
