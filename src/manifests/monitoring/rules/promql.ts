/**
 * Small PromQL text builders. Per-agent configuration reaches label-based rules as series: one
 * series per overriding agent (a `vector()` with its labels set) unioned with the fleet default
 * for every other agent that reports metrics, so the rule count never depends on the fleet size.
 */
import { AGENT_KEY, AGENT_TARGETS, RECORDED } from "../metrics.ts";

/** A PromQL number literal. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a PromQL number`);
  return String(value);
}

/** A double-quoted PromQL string literal. */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** `vector(value)` carrying the given labels (label_replace with an empty source sets a constant). */
export function constantSeries(value: number, labels: Record<string, string>): string {
  return Object.entries(labels).reduce(
    (expr, [name, labelValue]) => `label_replace(${expr}, ${str(name)}, ${str(labelValue)}, "", "")`,
    `vector(${num(value)})`,
  );
}

/**
 * One series per agent, `{namespace, agent}` with value 1: every declared agent, any other that
 * reports some series of the contract, and any with a pod Prometheus scrapes (or fails to). Never
 * one gauge: an agent that exports only counters, or nothing while it crash-loops, still gets its
 * thresholds, so its alerts still exist.
 */
export const AGENT_INVENTORY =
  `group by (${AGENT_KEY}) (` +
  `${RECORDED.expectedAgents} or ${RECORDED.reportingAgents} or ${AGENT_TARGETS})`;

export interface AgentOverride {
  namespace: string;
  agent: string;
  value: number;
  /** Extra labels on the override series (e.g. `le`). */
  labels?: Record<string, string>;
}

/**
 * Per-agent value series: explicit overrides first, then `fallback` for every other reporting
 * agent. The expression grows with the number of overrides, the rule count does not.
 */
export function perAgentValue(overrides: readonly AgentOverride[], fallback: string): string {
  if (overrides.length === 0) return fallback;
  const explicit = overrides
    .map(({ namespace, agent, value, labels }) => constantSeries(value, { namespace, agent, ...labels }))
    .join("\nor\n");
  return `(\n${indent(explicit)}\n)\nor on(${AGENT_KEY})\n(\n${indent(fallback)}\n)`;
}

/** `fallback` value for every reporting agent. */
export function fleetDefault(value: number): string {
  return `${num(value)} * ${AGENT_INVENTORY}`;
}

export function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? by + line : line))
    .join("\n");
}

/** `left > on(namespace, agent) group_left() right` — keeps the left side's labels and value. */
export function compareToAgentSeries(left: string, op: ">" | "<", right: string): string {
  return `${left}\n  ${op} on(${AGENT_KEY}) group_left()\n${right}`;
}
