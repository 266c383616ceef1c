/**
 * The agent alerts of REQUIREMENTS.md §3: thresholds from the per-agent threshold series,
 * `for:` durations from `monitoring.durations`.
 */
import type { FleetConfig } from "../../../config/index.ts";
import { AGENT_METRICS } from "../../../contract/metrics.ts";
import { AGENT_KEY, RECORDED } from "../metrics.ts";
import { agentNotReportingAlert } from "./agentPresence.ts";
import { compareToAgentSeries } from "./promql.ts";
import type { AlertingRule, RuleGroup, Severity } from "./ruleTypes.ts";
import type { AlertName } from "./runbooks.ts";
import { type ThresholdKind, thresholdSeries } from "./thresholds.ts";

const WHO = "{{ $labels.agent }} in {{ $labels.namespace }}";

/** Template text printing the agent's own threshold (queried, so per-agent overrides show). */
export function thresholdText(kind: ThresholdKind, format: string): string {
  return (
    `{{ with printf "${thresholdSeries(kind)}{namespace=%q, agent=%q}" $labels.namespace $labels.agent | query }}` +
    `{{ . | first | value | ${format} }}{{ end }}`
  );
}

interface ThresholdAlert {
  alert: AlertName;
  severity: Severity;
  signal: string;
  op: ">" | "<";
  kind: ThresholdKind;
  for: string;
  summary: string;
  description: string;
}

function thresholdAlert(spec: ThresholdAlert): AlertingRule {
  return {
    alert: spec.alert,
    expr: compareToAgentSeries(spec.signal, spec.op, thresholdSeries(spec.kind)),
    for: spec.for,
    labels: { severity: spec.severity },
    annotations: { summary: spec.summary, description: spec.description },
  };
}

function latencyAlerts(fleet: FleetConfig): AlertingRule[] {
  const { durations } = fleet.monitoring;
  const p95 = RECORDED.latencyQuantile("p95");
  const level = (kind: ThresholdKind, duration: string) =>
    `p95 processing latency of ${WHO} is {{ $value | humanizeDuration }}, above its threshold of ` +
    `${thresholdText(kind, "humanizeDuration")} for ${duration}.`;
  return [
    thresholdAlert({
      alert: "AgentLatencyHigh",
      severity: "warning",
      signal: p95,
      op: ">",
      kind: "latencyP95WarningSeconds",
      for: durations.latencyWarning,
      summary: "Agent p95 processing latency is high.",
      description: level("latencyP95WarningSeconds", durations.latencyWarning),
    }),
    thresholdAlert({
      alert: "AgentLatencyCritical",
      severity: "critical",
      signal: p95,
      op: ">",
      kind: "latencyP95CriticalSeconds",
      for: durations.latencyCritical,
      summary: "Agent p95 processing latency is critically high.",
      description: level("latencyP95CriticalSeconds", durations.latencyCritical),
    }),
  ];
}

function throughputDrop(fleet: FleetConfig): AlertingRule {
  const duration = fleet.monitoring.durations.throughputDrop;
  const baseline = `sum by (${AGENT_KEY}) (rate(${AGENT_METRICS.processed}[5m] offset 1d))`;
  return {
    alert: "AgentThroughputDrop",
    // Read the raw counter a day ago, not a recorded series: works from the first day of the rules.
    expr: compareToAgentSeries(
      RECORDED.processedRate,
      "<",
      `(\n  ${thresholdSeries("throughputDropRatio")}\n  * on(${AGENT_KEY})\n  ${baseline}\n)`,
    ),
    for: duration,
    labels: { severity: "error" },
    annotations: {
      summary: "Agent throughput dropped against the same time yesterday.",
      description:
        `${WHO} processes {{ $value | humanize }} records/s, less than ` +
        `${thresholdText("throughputDropRatio", "humanizePercentage")} of its rate one day ago, for ${duration}.`,
    },
  };
}

function healthAlert(alert: AlertName, level: 1 | 2, severity: Severity, duration: string): AlertingRule {
  const state = level === 1 ? "degraded" : "unhealthy";
  return {
    alert,
    expr: `${RECORDED.health} == ${level}`,
    for: duration,
    labels: { severity },
    annotations: {
      summary: `Agent reports itself ${state}.`,
      description: `${WHO} has reported agent_health_status ${level} (${state}) on at least one pod for ${duration}.`,
    },
  };
}

export function agentAlertRules(fleet: FleetConfig): RuleGroup {
  const { durations } = fleet.monitoring;
  return {
    name: "agent-fleet.agents.alerts",
    rules: [
      ...latencyAlerts(fleet),
      thresholdAlert({
        alert: "AgentErrorRateHigh",
        severity: "error",
        signal: RECORDED.errorRatio,
        op: ">",
        kind: "errorRate",
        for: durations.errorRate,
        summary: "Agent fails too many records.",
        description:
          `${WHO} fails {{ $value | humanizePercentage }} of its records, above its threshold of ` +
          `${thresholdText("errorRate", "humanizePercentage")} for ${durations.errorRate}.`,
      }),
      thresholdAlert({
        alert: "AgentQueueDepthCritical",
        severity: "critical",
        signal: RECORDED.inputQueue,
        op: ">",
        kind: "queueDepthCritical",
        for: durations.queueDepth,
        summary: "Agent input queue is backing up.",
        description:
          `${WHO} has {{ $value | humanize }} records queued for input, above its threshold of ` +
          `${thresholdText("queueDepthCritical", "humanize")} for ${durations.queueDepth}.`,
      }),
      thresholdAlert({
        alert: "AgentDataQualityLow",
        severity: "warning",
        signal: RECORDED.quality,
        op: "<",
        kind: "dataQualityMin",
        for: durations.dataQuality,
        summary: "Agent output data quality is low.",
        description:
          `${WHO} has a data quality score of {{ $value | printf "%.3f" }}, below its minimum of ` +
          `${thresholdText("dataQualityMin", 'printf "%.3f"')} for ${durations.dataQuality}.`,
      }),
      throughputDrop(fleet),
      healthAlert("AgentDegraded", 1, "warning", durations.degraded),
      healthAlert("AgentUnhealthy", 2, "critical", durations.unhealthy),
      // What every alert above goes blind to: an agent whose series have all stopped.
      agentNotReportingAlert(),
    ],
  };
}
