/**
 * One agent in depth, chosen by the `namespace`/`agent` variables: one dashboard serves every
 * agent (the fleet overview links into it), so adding agents adds no dashboards.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { FleetConfig } from "../../../config/index.ts";
import { AGENT_METRICS, CONTROLLER_METRICS } from "../../../contract/metrics.ts";
import { RECORDED } from "../metrics.ts";
import { SLO_SERIES } from "../rules/slo.ts";
import { type ThresholdKind, thresholdSeries } from "../rules/thresholds.ts";
import { AGENT_DASHBOARD_UID } from "./fleetOverview.ts";
import {
  fleetDashboard,
  labelVariable,
  type Query,
  type Section,
  statPanel,
  tablePanel,
  timeseriesPanel,
  withSections,
  withThresholdStyle,
} from "./panels.ts";

const M = AGENT_METRICS;
const SEL = 'namespace="$namespace", agent="$agent"';
const RATE = "[$__rate_interval]";
const perTrack = (metric: string) => `sum by (track) (rate(${metric}{${SEL}}${RATE}))`;
const threshold = (kind: ThresholdKind, legend: string): Query => ({
  expr: `${thresholdSeries(kind)}{${SEL}}`,
  legend: `threshold ${legend}`,
});

function quantile(q: number): Query {
  return {
    expr: `histogram_quantile(${q}, sum by (track, le) (rate(${M.latency}_bucket{${SEL}}${RATE})))`,
    legend: `p${Math.round(q * 100)} {{track}}`,
  };
}

function overviewSection(): Section {
  return {
    title: "Now",
    panels: [
      statPanel("Records/s", { expr: `sum(${RECORDED.processedRate}{${SEL}})` }),
      statPanel("Error ratio", { expr: `sum(${RECORDED.errorRatio}{${SEL}})` }, "percentunit"),
      statPanel("p95 latency", { expr: `max(${RECORDED.latencyQuantile("p95")}{${SEL}})` }, "s"),
      statPanel("Health (0 ok, 1 degraded, 2 unhealthy)", { expr: `max(${RECORDED.health}{${SEL}})` }),
      statPanel("Data quality (worst pod)", { expr: `min(${RECORDED.quality}{${SEL}})` }),
      statPanel("Healthy pods", { expr: `count(${M.health}{${SEL}} == 0)` }),
    ],
  };
}

function trafficSections(): Section[] {
  return [
    {
      title: "Throughput and errors",
      panels: [
        timeseriesPanel("Records/s by track", [{ expr: perTrack(M.processed), legend: "{{track}}" }], {
          span: 8,
        }),
        timeseriesPanel("Bytes/s by track", [{ expr: perTrack(M.bytes), legend: "{{track}}" }], {
          unit: "Bps",
          span: 8,
        }),
        withThresholdStyle(
          timeseriesPanel(
            "Error ratio by track",
            [
              { expr: `${perTrack(M.failed)}\n/\n${perTrack(M.processed)}`, legend: "{{track}}" },
              threshold("errorRate", "error ratio"),
            ],
            { unit: "percentunit", min: 0, span: 8 },
          ),
        ),
      ],
    },
    {
      title: "Latency",
      panels: [
        withThresholdStyle(
          timeseriesPanel(
            "Processing latency p50 / p95 / p99 by track",
            [
              quantile(0.5),
              quantile(0.95),
              quantile(0.99),
              threshold("latencyP95WarningSeconds", "p95 warning"),
              threshold("latencyP95CriticalSeconds", "p95 critical"),
            ],
            { unit: "s", span: 24 },
          ),
        ),
      ],
    },
  ];
}

function workSections(): Section[] {
  const byTrack = (metric: string, legend: string): Query => ({
    expr: `sum by (track) (${metric}{${SEL}})`,
    legend: `${legend} {{track}}`,
  });
  return [
    {
      title: "Queues, streams and data quality",
      panels: [
        timeseriesPanel(
          "Queue depth by track",
          [byTrack(M.inputQueue, "input"), byTrack(M.outputQueue, "output")],
          {
            span: 8,
          },
        ),
        timeseriesPanel("Active streams by track", [byTrack(M.activeStreams, "streams")], { span: 8 }),
        withThresholdStyle(
          timeseriesPanel(
            "Data quality (worst pod) by track",
            [
              { expr: `min by (track) (${M.quality}{${SEL}})`, legend: "{{track}}" },
              threshold("dataQualityMin", "minimum"),
            ],
            { min: 0, max: 1, span: 8 },
          ),
        ),
      ],
    },
  ];
}

/** Usage and limit per pod, joined to the agent through the pod → agent mapping. */
function resourceQueries(usage: string, resource: "cpu" | "memory"): Query[] {
  const join = `* on(namespace, pod) group_left() ${RECORDED.podInfo}{${SEL}}`;
  const containers = 'namespace="$namespace", container!="", container!="POD"';
  return [
    { expr: `sum by (pod) (${usage.replace("SEL", containers)} ${join})`, legend: "used {{pod}}" },
    {
      expr: `sum by (pod) (kube_pod_container_resource_limits{resource="${resource}", namespace="$namespace"} ${join})`,
      legend: "limit {{pod}}",
    },
  ];
}

/** kube-state-metrics series of the agent's HPA (named after the agent). */
const HPA_REPLICAS = [
  ["current", "kube_horizontalpodautoscaler_status_current_replicas"],
  ["desired", "kube_horizontalpodautoscaler_status_desired_replicas"],
  ["min", "kube_horizontalpodautoscaler_spec_min_replicas"],
  ["max", "kube_horizontalpodautoscaler_spec_max_replicas"],
] as const;

function resourceSection(): Section {
  const hpa = 'namespace="$namespace", horizontalpodautoscaler="$agent"';
  return {
    title: "Resources and scaling",
    panels: [
      // Desired above current means the HPA is waiting on capacity; desired at max, that max is too low.
      timeseriesPanel(
        "Replicas (HPA): current, desired, min, max",
        HPA_REPLICAS.map(([legend, metric]) => ({ expr: `max(${metric}{${hpa}})`, legend })),
        { span: 24 },
      ),
      timeseriesPanel(
        "CPU used vs limit (cores)",
        resourceQueries(`rate(container_cpu_usage_seconds_total{SEL}${RATE})`, "cpu"),
        { span: 12 },
      ),
      timeseriesPanel(
        "Memory working set vs limit",
        resourceQueries("container_memory_working_set_bytes{SEL}", "memory"),
        { unit: "bytes", span: 12 },
      ),
    ],
  };
}

function releaseSections(fleet: FleetConfig): Section[] {
  const rollout = 'namespace="$namespace", rollout="$agent"';
  return [
    {
      title: "Release",
      panels: [
        timeseriesPanel(
          "Traffic weight by track (%)",
          [{ expr: `${CONTROLLER_METRICS.weight}{${rollout}}`, legend: "{{track}}" }],
          { min: 0, max: 100, span: 8 },
        ),
        timeseriesPanel(
          "Rollout phase",
          [{ expr: `${CONTROLLER_METRICS.phase}{${rollout}} == 1`, legend: "{{phase}}" }],
          { span: 8 },
        ),
        tablePanel(
          "Pods by track and version",
          [{ expr: `count by (track, version) (${M.health}{${SEL}})` }],
          8,
        ),
      ],
    },
    {
      title: `SLOs (${fleet.monitoring.slo.window})`,
      panels: [
        timeseriesPanel(
          "Error budget remaining",
          [{ expr: `${SLO_SERIES.periodBudgetRemaining}{${SEL}}`, legend: "{{slo}}" }],
          {
            unit: "percentunit",
          },
        ),
        timeseriesPanel("Burn rate (5m)", [
          { expr: `${SLO_SERIES.currentBurnRate}{${SEL}}`, legend: "{{slo}}" },
        ]),
      ],
    },
  ];
}

export function buildAgentDashboard(fleet: FleetConfig): Dashboard {
  const builder = fleetDashboard(AGENT_DASHBOARD_UID, "Agent fleet / Agent", fleet.environment)
    .withVariable(labelVariable("namespace", "Namespace", `label_values(${M.health}, namespace)`, false))
    .withVariable(
      labelVariable("agent", "Agent", `label_values(${M.health}{namespace="$namespace"}, agent)`, false),
    );
  return withSections(builder, [
    overviewSection(),
    ...trafficSections(),
    ...workSections(),
    resourceSection(),
    ...releaseSections(fleet),
  ]);
}
