/** Status conditions: set by type, with `lastTransitionTime` moving only when the status flips. */
import type { AgentRolloutStatus, Condition } from "../../crd/agentRollout.ts";

export const CONDITION_TYPES = [
  "Available",
  "Progressing",
  "AnalysisAvailable",
  "TrafficRouted",
  "Degraded",
  "InvalidSpec",
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export function setCondition(
  status: AgentRolloutStatus,
  type: ConditionType,
  value: Condition["status"],
  reason: string,
  message: string,
  now: string,
): void {
  const conditions = [...(status.conditions ?? [])];
  const index = conditions.findIndex((condition) => condition.type === type);
  const previous = conditions[index];
  const lastTransitionTime = previous && previous.status === value ? previous.lastTransitionTime : now;
  const next: Condition = { type, status: value, reason, message, lastTransitionTime };
  if (index >= 0) conditions[index] = next;
  else conditions.push(next);
  conditions.sort(
    (a, b) =>
      CONDITION_TYPES.indexOf(a.type as ConditionType) - CONDITION_TYPES.indexOf(b.type as ConditionType),
  );
  status.conditions = conditions;
}

export function removeCondition(status: AgentRolloutStatus, type: ConditionType): void {
  const remaining = (status.conditions ?? []).filter((condition) => condition.type !== type);
  status.conditions = remaining.length > 0 ? remaining : undefined;
}

export function getCondition(status: AgentRolloutStatus, type: ConditionType): Condition | undefined {
  return status.conditions?.find((condition) => condition.type === type);
}
