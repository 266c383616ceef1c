import { describe, expect, it } from "vitest";
import { AGENT_METRICS, CONTROLLER_METRICS } from "../../src/contract/metrics.ts";
import {
  buildDashboardConfigMaps,
  buildDashboards,
} from "../../src/manifests/monitoring/dashboards/index.ts";
import { renderMonitoring } from "../../src/manifests/monitoring/index.ts";
import { stackFleet } from "./support/fleets.ts";
import { metricNames, syntaxErrors, withGrafanaVariables } from "./support/promql.ts";

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}
interface DashboardJson {
  uid: string;
  title: string;
  refresh: string;
  time: { from: string; to: string };
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; definition?: string }> };
}

const fleet = stackFleet("prod");
const dashboards = buildDashboards(fleet) as unknown as Record<string, DashboardJson>;

function panelsOf(dashboard: DashboardJson): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

function queriesOf(dashboard: DashboardJson): string[] {
  const panelQueries = panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => target.expr ?? ""),
  );
  // `label_values(<selector>, <label>)`: the selector is PromQL.
  const variableQueries = dashboard.templating.list
    .flatMap((variable) => (variable.definition ? [variable.definition] : []))
    .map((definition) => definition.replace(/^label_values\((.*),\s*\w+\)$/, "$1"));
  return [...panelQueries, ...variableQueries];
}

/** Every series a dashboard may read: our recording rules, the contract, the controller, cAdvisor/KSM. */
function knownMetrics(): Set<string> {
  const recorded = renderMonitoring(fleet).ruleFile.groups.flatMap((group) =>
    group.rules.flatMap((rule) => ("record" in rule ? [rule.record] : [])),
  );
  const contract = Object.values(AGENT_METRICS).flatMap((name) => [name, `${name}_bucket`, `${name}_count`]);
  return new Set([
    ...recorded,
    ...contract,
    ...Object.values(CONTROLLER_METRICS),
    "container_cpu_usage_seconds_total",
    "container_memory_working_set_bytes",
    "kube_pod_container_resource_limits",
    "kube_horizontalpodautoscaler_status_current_replicas",
    "kube_horizontalpodautoscaler_status_desired_replicas",
    "kube_horizontalpodautoscaler_spec_min_replicas",
    "kube_horizontalpodautoscaler_spec_max_replicas",
    "ALERTS",
  ]);
}

describe("Grafana dashboards", () => {
  it("a fleet overview and one per-agent dashboard, 30 s refresh, last 24 h", () => {
    expect(Object.keys(dashboards).sort()).toEqual(["agent-fleet-agent", "agent-fleet-overview"]);
    for (const dashboard of Object.values(dashboards)) {
      expect(dashboard.refresh).toBe("30s");
      expect(dashboard.time).toEqual({ from: "now-24h", to: "now" });
      expect(dashboard.templating.list.map((variable) => variable.name)).toContain("datasource");
    }
  });

  it.each(Object.keys(dashboards))("%s: every query parses as PromQL (lezer-promql)", (name) => {
    const queries = queriesOf(dashboards[name] as DashboardJson);
    expect(queries.length).toBeGreaterThan(10);
    for (const query of queries) expect(syntaxErrors(withGrafanaVariables(query)), query).toEqual([]);
  });

  it.each(Object.keys(dashboards))(
    "%s: reads only series that exist (contract, rules, controller, cAdvisor, KSM)",
    (name) => {
      const known = knownMetrics();
      const used = queriesOf(dashboards[name] as DashboardJson).flatMap((query) =>
        metricNames(withGrafanaVariables(query)),
      );
      expect(used.filter((metric) => !known.has(metric))).toEqual([]);
    },
  );

  it("the agent dashboard shows throughput, p50/p95/p99, errors, queues, quality, CPU/memory vs limits, HPA replicas and release state", () => {
    const agent = dashboards["agent-fleet-agent"] as DashboardJson;
    const text = queriesOf(agent).join("\n");
    for (const needle of [
      `rate(${AGENT_METRICS.processed}`,
      "histogram_quantile(0.5,",
      "histogram_quantile(0.95,",
      "histogram_quantile(0.99,",
      `rate(${AGENT_METRICS.failed}`,
      AGENT_METRICS.inputQueue,
      AGENT_METRICS.quality,
      'kube_pod_container_resource_limits{resource="cpu"',
      'kube_pod_container_resource_limits{resource="memory"',
      `${CONTROLLER_METRICS.weight}{`,
      "count by (track, version)",
      'kube_horizontalpodautoscaler_status_desired_replicas{namespace="$namespace", horizontalpodautoscaler="$agent"}',
    ]) {
      expect(text).toContain(needle);
    }
    expect(agent.templating.list.map((variable) => variable.name)).toEqual([
      "datasource",
      "namespace",
      "agent",
    ]);
    // Thresholds drawn from the per-agent threshold series, not copied numbers.
    expect(text).toContain(
      'namespace_agent:alert_threshold:latency_p95_warning_seconds{namespace="$namespace", agent="$agent"}',
    );
  });

  it("ship as ConfigMaps the Grafana sidecar picks up", () => {
    const configMaps = buildDashboardConfigMaps(
      fleet,
      dashboards as unknown as Record<string, Record<string, unknown>>,
    );
    for (const configMap of configMaps) {
      expect(configMap.metadata.namespace).toBe(fleet.monitoring.namespace);
      expect(configMap.metadata.labels).toMatchObject(fleet.monitoring.dashboardLabels);
      const data = configMap.data as Record<string, string>;
      const [file, json] = Object.entries(data)[0] ?? [];
      expect(JSON.parse(json ?? "{}").uid).toBe(
        (dashboards[file?.replace(/\.json$/, "") ?? ""] as DashboardJson).uid,
      );
    }
  });
});
