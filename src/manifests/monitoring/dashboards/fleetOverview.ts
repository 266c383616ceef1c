/** Fleet overview: every agent side by side, with links into the per-agent dashboard. */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { FleetConfig } from "../../../config/index.ts";
import { AGENT_METRICS, CONTROLLER_METRICS } from "../../../contract/metrics.ts";
import { RECORDED } from "../metrics.ts";
import { SLO_SERIES } from "../rules/slo.ts";
import {
  fleetDashboard,
  labelVariable,
  link,
  type Query,
  type Section,
  statPanel,
  tablePanel,
  timeseriesPanel,
  withSections,
} from "./panels.ts";

export const FLEET_DASHBOARD_UID = "agent-fleet-overview";
export const AGENT_DASHBOARD_UID = "agent-fleet-agent";

const NS = 'namespace=~"$namespace"';
const LEGEND = "{{namespace}}/{{agent}}";
const byAgent = (series: string): Query => ({ expr: `${series}{${NS}}`, legend: LEGEND });
const busiest = (series: string): Query => ({
  expr: `max by (namespace, agent) (${series}{${NS}})`,
  legend: LEGEND,
});
const AGENT_LINK = `/d/${AGENT_DASHBOARD_UID}?var-namespace=\${__field.labels.namespace}&var-agent=\${__field.labels.agent}`;

function fleetSection(): Section {
  return {
    title: "Fleet",
    panels: [
      statPanel("Agents reporting", { expr: `count(${RECORDED.health}{${NS}})` }, "short", 6),
      statPanel(
        "Agents unhealthy",
        { expr: `count(${RECORDED.health}{${NS}} == 2) or vector(0)` },
        "short",
        6,
      ),
      statPanel("Records/s", { expr: `sum(${RECORDED.processedRate}{${NS}})` }, "short", 6),
      statPanel(
        "Firing agent alerts",
        { expr: `count(ALERTS{alertstate="firing", ${NS}, alertname=~"Agent.*"}) or vector(0)` },
        "short",
        6,
      ),
    ],
  };
}

function signalSections(): Section[] {
  const percent = { unit: "percentunit", min: 0 };
  return [
    {
      title: "Throughput and errors",
      panels: [
        timeseriesPanel("Throughput by agent (records/s)", [byAgent(RECORDED.processedRate)]).dataLinks([
          link("Agent dashboard", AGENT_LINK),
        ]),
        timeseriesPanel("Error ratio by agent", [byAgent(RECORDED.errorRatio)], percent),
      ],
    },
    {
      title: "Latency",
      panels: [
        timeseriesPanel("p95 latency by agent", [byAgent(RECORDED.latencyQuantile("p95"))], { unit: "s" }),
        timeseriesPanel("p99 latency by agent", [byAgent(RECORDED.latencyQuantile("p99"))], { unit: "s" }),
      ],
    },
    {
      title: "Queues and data quality",
      panels: [
        timeseriesPanel("Input queue depth by agent", [byAgent(RECORDED.inputQueue)]),
        timeseriesPanel("Data quality (worst pod) by agent", [byAgent(RECORDED.quality)], { min: 0, max: 1 }),
      ],
    },
    {
      title: "Resources",
      panels: [
        timeseriesPanel("CPU / limit (busiest container) by agent", [busiest(RECORDED.cpuRatio)], percent),
        timeseriesPanel(
          "Memory / limit (busiest container) by agent",
          [busiest(RECORDED.memoryRatio)],
          percent,
        ),
      ],
    },
  ];
}

function sloAndReleaseSections(fleet: FleetConfig): Section[] {
  const bySlo = (series: string): Query => ({ expr: `${series}{${NS}}`, legend: `${LEGEND} {{slo}}` });
  return [
    {
      title: "SLOs",
      panels: [
        timeseriesPanel(
          `Error budget remaining (${fleet.monitoring.slo.window})`,
          [bySlo(SLO_SERIES.periodBudgetRemaining)],
          { unit: "percentunit" },
        ),
        timeseriesPanel("Burn rate (5m)", [bySlo(SLO_SERIES.currentBurnRate)], {
          description: "1 = spending the error budget exactly over the SLO window.",
        }),
      ],
    },
    {
      title: "Releases",
      panels: [
        timeseriesPanel(
          "Traffic weight by rollout and track (%)",
          [{ expr: `${CONTROLLER_METRICS.weight}{${NS}}`, legend: "{{namespace}}/{{rollout}} {{track}}" }],
          { min: 0, max: 100 },
        ),
        tablePanel("Versions by track", [
          { expr: `count by (namespace, agent, track, version) (${AGENT_METRICS.health}{${NS}})` },
        ]).dataLinks([link("Agent dashboard", AGENT_LINK)]),
      ],
    },
  ];
}

export function buildFleetOverview(fleet: FleetConfig): Dashboard {
  const builder = fleetDashboard(
    FLEET_DASHBOARD_UID,
    "Agent fleet / Overview",
    fleet.environment,
  ).withVariable(
    labelVariable("namespace", "Namespace", `label_values(${AGENT_METRICS.health}, namespace)`, true),
  );
  return withSections(builder, [fleetSection(), ...signalSections(), ...sloAndReleaseSections(fleet)]);
}
