/**
 * Which agents exist and which report. An agent whose series all stop (crash loop, failing
 * scrapes, no pods) leaves nothing behind for a label-based alert to name, and `absent()` cannot
 * name one agent among many. So the stack's own config says which agents to expect: one constant
 * series per declared agent, recorded from `vector(1)` with its labels. It needs no exporter the
 * product does not ship (kube-state-metrics' replica counts would, and would miss AgentRollout
 * tracks the controller sizes), and it survives the pods, the scrape targets and the agent's own
 * series disappearing. The expression grows with the fleet; the rule count does not.
 */
import type { FleetConfig } from "../../../config/index.ts";
import { AGENT_KEY, ANY_AGENT_SERIES, RECORDED } from "../metrics.ts";
import { constantSeries } from "./promql.ts";
import type { AlertingRule, RecordingRule } from "./ruleTypes.ts";

/**
 * Long enough to ride out a pod restart or a missed scrape or two, short enough to page within a
 * few minutes of an agent going dark.
 */
export const NOT_REPORTING_FOR = "2m";

export function expectedAgentsRule(fleet: FleetConfig): RecordingRule {
  return {
    record: RECORDED.expectedAgents,
    expr: fleet.agents
      .map((agent) =>
        constantSeries(1, { namespace: agent.cluster, agent: agent.id, environment: agent.environment }),
      )
      .join("\nor\n"),
  };
}

export function reportingAgentsRule(): RecordingRule {
  return { record: RECORDED.reportingAgents, expr: `group by (${AGENT_KEY}) (${ANY_AGENT_SERIES})` };
}

/** Both, in the order they are read: evaluated before every rule that joins on the inventory. */
export function presenceRules(fleet: FleetConfig): RecordingRule[] {
  return [expectedAgentsRule(fleet), reportingAgentsRule()];
}

export function agentNotReportingAlert(): AlertingRule {
  return {
    alert: "AgentNotReporting",
    expr: `${RECORDED.expectedAgents}\nunless on(${AGENT_KEY})\n${RECORDED.reportingAgents}`,
    for: NOT_REPORTING_FOR,
    labels: { severity: "critical" },
    annotations: {
      summary: "Agent reports no metrics.",
      description:
        "No pod of {{ $labels.agent }} in {{ $labels.namespace }} has reported any series of the agent metric " +
        `contract for ${NOT_REPORTING_FOR}; it is crash-looping, failing its scrapes or has no pods, and every ` +
        "other alert on it is blind.",
    },
  };
}
