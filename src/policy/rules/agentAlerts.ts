/**
 * Every agent is covered by alerts. Alert rules are label-based (one rule set for the whole fleet),
 * so an agent is covered by any alerting rule over agent series that does not pin another agent.
 */
import type { KubeObject } from "../../manifests/types.ts";
import { agentWorkloads, asArray, field } from "../objects.ts";
import { stringSetting } from "../settings.ts";
import { stackPolicy } from "../types.ts";

export interface AlertRule {
  alert: string;
  expr: string;
  group: string;
  annotations: Record<string, unknown>;
  source: KubeObject;
}

/** Alerting rules of every PrometheusRule object. */
export function alertRulesOf(objects: readonly KubeObject[]): AlertRule[] {
  return objects
    .filter((object) => object.kind === "PrometheusRule")
    .flatMap((source) =>
      asArray(field(source.spec, "groups")).flatMap((group) =>
        asArray(field(group, "rules"))
          .filter((rule) => typeof field(rule, "alert") === "string")
          .map((rule) => ({
            alert: field(rule, "alert") as string,
            expr: String(field(rule, "expr") ?? ""),
            group: String(field(group, "name") ?? ""),
            annotations: (field(rule, "annotations") ?? {}) as Record<string, unknown>,
            source,
          })),
      ),
    );
}

const AGENT_MATCHER = /\bagent\s*(=~|=)\s*"((?:[^"\\]|\\.)*)"/g;

function regexMatcher(pattern: string): (agent: string) => boolean {
  try {
    const regex = new RegExp(`^(?:${pattern})$`);
    return (agent) => regex.test(agent);
  } catch {
    // Not a JavaScript-compatible RE2 pattern: it cannot be shown to cover anyone.
    return () => false;
  }
}

/** Agents an expression is limited to by `agent="…"` / `agent=~"…"` matchers; undefined when it covers all. */
export function pinnedAgents(expr: string): Array<(agent: string) => boolean> | undefined {
  const matchers = [...expr.matchAll(AGENT_MATCHER)].map(([, op, value = ""]) =>
    op === "=~" ? regexMatcher(value) : (agent: string) => agent === value,
  );
  return matchers.length > 0 ? matchers : undefined;
}

export const agentAlerts = stackPolicy({
  name: "agent-alerts",
  description:
    "Every agent is covered by alerting rules: a PrometheusRule holds alerts over the agent metric series " +
    "(agent_*) that select agents by label rather than pinning other agents. Fix: keep the fleet's agent " +
    "PrometheusRule in the stack (monitoring), or add label-based alerts that include the agent.",
  scope: "stack",
  settings: {
    agentSeriesPattern: stringSetting(
      "agent_[a-z0-9_]+|namespace_agent:",
      "Regular expression an alert expression must match to count as watching agent series.",
    ),
  },
  check(objects, _context, settings) {
    const series = new RegExp(settings.agentSeriesPattern);
    const coverage = alertRulesOf(objects)
      .filter((rule) => series.test(rule.expr))
      .map((rule) => pinnedAgents(rule.expr));
    return agentWorkloads(objects).flatMap((agent) => {
      const covered = coverage.some((pins) => pins === undefined || pins.some((pin) => pin(agent.id)));
      if (covered) return [];
      return [
        {
          object: agent.workload,
          message: `no alerting rule covers agent ${agent.id}: add label-based alerts over agent_* series (a PrometheusRule)`,
        },
      ];
    });
  },
});
