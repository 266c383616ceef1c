/**
 * CPU and memory of agent containers against their limits, from the standard cAdvisor
 * (`container_*`) and kube-state-metrics (`kube_pod_container_resource_limits`) series, joined to
 * agents through the pod → agent mapping the agents' own metrics provide.
 */
import type { FleetConfig } from "../../../config/index.ts";
import { AGENT_GROUPING, RECORDED } from "../metrics.ts";
import { thresholdText } from "./agentAlerts.ts";
import { compareToAgentSeries, str } from "./promql.ts";
import type { AlertingRule, RecordingRule, RuleGroup, Severity } from "./ruleTypes.ts";
import type { AlertName } from "./runbooks.ts";
import { type ThresholdKind, thresholdSeries } from "./thresholds.ts";

const CONTAINERS = 'container!="", container!="POD"';

function namespaceMatcher(fleet: FleetConfig): string {
  return `namespace=~${str(fleet.clusters.map((cluster) => cluster.name).join("|"))}`;
}

/** Per-container usage / limit, labelled with the agent (containers without a limit drop out). */
function usageRatio(record: string, usage: string, resource: "cpu" | "memory", ns: string): RecordingRule {
  const limits = `kube_pod_container_resource_limits{resource="${resource}", ${ns}}`;
  return {
    record,
    expr:
      `(\n  sum by (namespace, pod, container) (${usage})\n` +
      `  / on(namespace, pod, container)\n  sum by (namespace, pod, container) (${limits})\n)\n` +
      `* on(namespace, pod) group_left(agent, environment) ${RECORDED.podInfo}`,
  };
}

export function resourceRecordingRules(fleet: FleetConfig): RuleGroup {
  const ns = namespaceMatcher(fleet);
  return {
    name: "agent-fleet.resources.signals",
    rules: [
      usageRatio(
        RECORDED.cpuRatio,
        `rate(container_cpu_usage_seconds_total{${CONTAINERS}, ${ns}}[5m])`,
        "cpu",
        ns,
      ),
      usageRatio(
        RECORDED.memoryRatio,
        `container_memory_working_set_bytes{${CONTAINERS}, ${ns}}`,
        "memory",
        ns,
      ),
    ],
  };
}

interface ResourceAlert {
  alert: AlertName;
  severity: Severity;
  ratio: string;
  kind: ThresholdKind;
  what: string;
}

function resourceAlert(spec: ResourceAlert, duration: string): AlertingRule {
  const level = spec.severity === "critical" ? "critically close to" : "close to";
  return {
    alert: spec.alert,
    // The busiest container decides, so a rotating hot pod does not reset `for`.
    expr: compareToAgentSeries(`max by (${AGENT_GROUPING}) (${spec.ratio})`, ">", thresholdSeries(spec.kind)),
    for: duration,
    labels: { severity: spec.severity },
    annotations: {
      summary: `Agent ${spec.what} is ${level} its limit.`,
      description:
        `A container of {{ $labels.agent }} in {{ $labels.namespace }} uses {{ $value | humanizePercentage }} ` +
        `of its ${spec.what} limit, above its threshold of ${thresholdText(spec.kind, "humanizePercentage")} ` +
        `for ${duration}.`,
    },
  };
}

export function resourceAlertRules(fleet: FleetConfig): RuleGroup {
  const duration = fleet.monitoring.durations.resources;
  const alerts: ResourceAlert[] = [
    { alert: "AgentCPUHigh", severity: "warning", ratio: RECORDED.cpuRatio, kind: "cpuWarning", what: "CPU" },
    {
      alert: "AgentCPUCritical",
      severity: "critical",
      ratio: RECORDED.cpuRatio,
      kind: "cpuCritical",
      what: "CPU",
    },
    {
      alert: "AgentMemoryHigh",
      severity: "warning",
      ratio: RECORDED.memoryRatio,
      kind: "memoryWarning",
      what: "memory",
    },
    {
      alert: "AgentMemoryCritical",
      severity: "critical",
      ratio: RECORDED.memoryRatio,
      kind: "memoryCritical",
      what: "memory",
    },
  ];
  return { name: "agent-fleet.resources.alerts", rules: alerts.map((spec) => resourceAlert(spec, duration)) };
}
