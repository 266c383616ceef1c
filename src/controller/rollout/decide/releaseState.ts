/** The status fields one release owns: cleared when it ends, and a fresh analysis tally per step. */
import type { AgentRolloutStatus } from "../../../crd/agentRollout.ts";

export function freshAnalysis(
  previous?: AgentRolloutStatus["analysis"],
): NonNullable<AgentRolloutStatus["analysis"]> {
  return { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: previous?.lastMeasurements ?? [] };
}

export function clearRelease(status: AgentRolloutStatus): void {
  status.canaryRevision = undefined;
  status.currentStepIndex = undefined;
  status.stepStartedAt = undefined;
  status.pause = undefined;
}
