/**
 * Per-agent configuration as series. One recording rule per threshold kind (and per SLO objective):
 * agents that override the fleet default get an explicit series, every other reporting agent gets
 * the default. Alerts compare `on(namespace, agent)` against these, so the rule count is fixed.
 */
import type { Agent, AlertThresholds, FleetConfig } from "../../../config/index.ts";
import { presenceRules } from "./agentPresence.ts";
import { type AgentOverride, fleetDefault, perAgentValue, str } from "./promql.ts";
import type { RecordingRule, RuleGroup } from "./ruleTypes.ts";

export const THRESHOLD_KINDS = [
  "latencyP95WarningSeconds",
  "latencyP95CriticalSeconds",
  "errorRate",
  "queueDepthCritical",
  "dataQualityMin",
  "throughputDropRatio",
  "cpuWarning",
  "cpuCritical",
  "memoryWarning",
  "memoryCritical",
] as const satisfies ReadonlyArray<keyof AlertThresholds>;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];

export type SloName = "availability" | "latency";
export const SLO_NAMES: readonly SloName[] = ["availability", "latency"];

/** `latencyP95WarningSeconds` → `namespace_agent:alert_threshold:latency_p95_warning_seconds`. */
export function thresholdSeries(kind: ThresholdKind): string {
  const snake = kind.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return `namespace_agent:alert_threshold:${snake}`;
}

/** Objective per agent and SLO (label `slo`), Sloth's `slo:objective:ratio`. */
export const SLO_OBJECTIVE = "slo:objective:ratio";
/** The histogram bucket (`le`) that counts as "fast enough" for each agent's latency SLO. */
export const SLO_LATENCY_BUCKET = "namespace_agent_le:slo_latency_threshold_seconds:info";

function overridesOf(
  fleet: FleetConfig,
  value: (agent: Agent) => number,
  fallback: number,
  labels?: (value: number) => Array<Record<string, string>>,
): AgentOverride[] {
  return fleet.agents
    .filter((agent) => value(agent) !== fallback)
    .flatMap((agent) =>
      (labels?.(value(agent)) ?? [{}]).map((extra) => ({
        namespace: agent.cluster,
        agent: agent.id,
        value: value(agent),
        labels: extra,
      })),
    );
}

function thresholdRule(fleet: FleetConfig, kind: ThresholdKind): RecordingRule {
  const fallback = fleet.monitoring.thresholds[kind];
  const overrides = overridesOf(fleet, (agent) => agent.alertThresholds[kind], fallback);
  return { record: thresholdSeries(kind), expr: perAgentValue(overrides, fleetDefault(fallback)) };
}

function objectiveRule(fleet: FleetConfig, slo: SloName): RecordingRule {
  const fallback = fleet.monitoring.slo[slo];
  const overrides = overridesOf(fleet, (agent) => agent.slo[slo], fallback);
  return { record: SLO_OBJECTIVE, expr: perAgentValue(overrides, fleetDefault(fallback)), labels: { slo } };
}

/**
 * `le` spellings of a bucket bound: clients write `1`, Prometheus 3 normalises classic histogram
 * bounds to `1.0`. Emitting both keeps the join exact on either.
 */
export function bucketBounds(seconds: number): string[] {
  return [...new Set([String(seconds), Number.isInteger(seconds) ? `${seconds}.0` : String(seconds)])];
}

function latencyBucketRule(fleet: FleetConfig): RecordingRule {
  const fallback = fleet.monitoring.slo.latencyThresholdSeconds;
  const asLabels = (seconds: number) => bucketBounds(seconds).map((le) => ({ le }));
  const overrides = overridesOf(fleet, (agent) => agent.slo.latencyThresholdSeconds, fallback, asLabels);
  const defaults = bucketBounds(fallback)
    .map((le) => `label_replace(${fleetDefault(fallback)}, "le", ${str(le)}, "", "")`)
    .join("\nor\n");
  return { record: SLO_LATENCY_BUCKET, expr: perAgentValue(overrides, defaults) };
}

/**
 * Evaluated first: every other group joins against these series. The agent inventory leads, since
 * every fleet default is one value per agent in it.
 */
export function thresholdRules(fleet: FleetConfig): RuleGroup {
  return {
    name: "agent-fleet.thresholds",
    rules: [
      ...presenceRules(fleet),
      ...THRESHOLD_KINDS.map((kind) => thresholdRule(fleet, kind)),
      ...SLO_NAMES.map((slo) => objectiveRule(fleet, slo)),
      latencyBucketRule(fleet),
    ],
  };
}
