/**
 * SLO error-budget burn-rate alerts, multi-window multi-burn-rate (Google SRE workbook), with
 * Sloth's recording-rule layout: `slo:sli_error:ratio_rate<window>` per SLI window, then
 * `slo:error_budget:ratio`, burn rates and remaining budget, then one page and one ticket alert.
 * Each SLO (availability, latency) is one fixed set of rules over all agents (label `slo`).
 */
import { type FleetConfig, seconds } from "../../../config/index.ts";
import { AGENT_METRICS } from "../../../contract/metrics.ts";
import { AGENT_GROUPING } from "../metrics.ts";
import type { AlertingRule, RecordingRule, RuleGroup, Severity } from "./ruleTypes.ts";
import { SLO_LATENCY_BUCKET, SLO_OBJECTIVE, type SloName } from "./thresholds.ts";

/** The SLI windows the burn-rate pairs read. */
export const SLI_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
type SliWindow = (typeof SLI_WINDOWS)[number];

interface BurnWindow {
  factor: number;
  long: SliWindow;
  short: SliWindow;
}

/** Page: 2% of a 30-day budget in 1h or 5% in 6h. Ticket: 10% in 1d or 10% in 3d. */
export const BURN_POLICY: Record<"page" | "ticket", { severity: Severity; windows: BurnWindow[] }> = {
  page: {
    severity: "critical",
    windows: [
      { factor: 14.4, long: "1h", short: "5m" },
      { factor: 6, long: "6h", short: "30m" },
    ],
  },
  ticket: {
    severity: "warning",
    windows: [
      { factor: 3, long: "1d", short: "2h" },
      { factor: 1, long: "3d", short: "6h" },
    ],
  },
};

export const SLO_SERIES = {
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  errorBudget: "slo:error_budget:ratio",
  timePeriodDays: "slo:time_period:days",
  currentBurnRate: "slo:current_burn_rate:ratio",
  periodBurnRate: "slo:period_burn_rate:ratio",
  periodBudgetRemaining: "slo:period_error_budget_remaining:ratio",
} as const;

const SLO_KEY = "namespace, agent, slo";
const M = AGENT_METRICS;
const sum = (expr: string) => `sum by (${AGENT_GROUPING}) (${expr})`;

/** Share of failed records; no traffic means no series (not NaN, which would poison the period). */
function availabilityError(window: SliWindow): string {
  return `${sum(`rate(${M.failed}[${window}])`)}\n/\n(${sum(`rate(${M.processed}[${window}])`)} > 0)`;
}

/** Share of records slower than the agent's latency objective bucket. */
function latencyError(window: SliWindow): string {
  const fast = sum(
    `rate(${M.latency}_bucket[${window}])\n  and on(namespace, agent, le)\n  ${SLO_LATENCY_BUCKET}`,
  );
  return `1 - (\n${fast}\n/\n(${sum(`rate(${M.latency}_count[${window}])`)} > 0)\n)`;
}

export function sliRules(slo: SloName): RuleGroup {
  const error = slo === "availability" ? availabilityError : latencyError;
  return {
    name: `agent-fleet.slo.${slo}.sli`,
    rules: SLI_WINDOWS.map(
      (window): RecordingRule => ({
        record: SLO_SERIES.errorRatio(window),
        expr: error(window),
        labels: { slo },
      }),
    ),
  };
}

function perBudget(series: string): string {
  return `${series}\n/ on(${SLO_KEY}) group_left()\n${SLO_SERIES.errorBudget}`;
}

export function sloMetaRules(fleet: FleetConfig): RuleGroup {
  const { window } = fleet.monitoring.slo;
  const days = seconds(window) / 86400;
  return {
    name: "agent-fleet.slo.meta",
    rules: [
      { record: SLO_SERIES.errorBudget, expr: `1 - ${SLO_OBJECTIVE}` },
      { record: SLO_SERIES.timePeriodDays, expr: `vector(${days})` },
      { record: SLO_SERIES.currentBurnRate, expr: perBudget(SLO_SERIES.errorRatio("5m")) },
      {
        record: SLO_SERIES.errorRatio(window),
        expr: `avg_over_time(${SLO_SERIES.errorRatio("5m")}[${window}])`,
      },
      { record: SLO_SERIES.periodBurnRate, expr: perBudget(SLO_SERIES.errorRatio(window)) },
      { record: SLO_SERIES.periodBudgetRemaining, expr: `1 - ${SLO_SERIES.periodBurnRate}` },
    ],
  };
}

function burning(window: SliWindow, factor: number): string {
  return `(\n  ${SLO_SERIES.errorRatio(window)}\n    > on(${SLO_KEY}) group_left()\n  (${factor} * ${SLO_SERIES.errorBudget})\n)`;
}

function burnExpr(windows: readonly BurnWindow[]): string {
  return windows
    .map(
      ({ factor, long, short }) =>
        `(\n${burning(short, factor)}\nand on(${SLO_KEY})\n${burning(long, factor)}\n)`,
    )
    .join(`\nor on(${SLO_KEY})\n`);
}

function burnAlert(kind: "page" | "ticket"): AlertingRule {
  const { severity, windows } = BURN_POLICY[kind];
  const pairs = windows
    .map(({ factor, long, short }) => `${factor}x over ${long} and ${short}`)
    .join(", or ");
  return {
    alert: "AgentErrorBudgetBurn",
    expr: burnExpr(windows),
    labels: { severity },
    annotations: {
      summary:
        kind === "page"
          ? "Agent is burning its error budget fast."
          : "Agent is burning its error budget faster than sustainable.",
      description:
        "{{ $labels.agent }} in {{ $labels.namespace }} burns its {{ $labels.slo }} error budget at " +
        `${pairs} the sustainable rate (short-window error ratio {{ $value | humanizePercentage }}).`,
    },
  };
}

export function sloAlertRules(): RuleGroup {
  return { name: "agent-fleet.slo.alerts", rules: [burnAlert("page"), burnAlert("ticket")] };
}

export function sloRules(fleet: FleetConfig): RuleGroup[] {
  return [sliRules("availability"), sliRules("latency"), sloMetaRules(fleet), sloAlertRules()];
}
