/**
 * The status fields one release owns: cleared when it ends, and a fresh analysis tally per step.
 * The evidence's last look and verdict carry over: its window is the release's, not the step's.
 */
import type { AgentRolloutStatus } from "../../../crd/agentRollout.ts";

export function freshAnalysis(
  previous?: AgentRolloutStatus["analysis"],
): NonNullable<AgentRolloutStatus["analysis"]> {
  const { lastLookAt, verdict, verdictReason } = previous ?? {};
  return {
    successes: 0,
    failures: 0,
    inconclusives: 0,
    lastMeasurements: previous?.lastMeasurements ?? [],
    ...(lastLookAt ? { lastLookAt } : {}),
    ...(verdict ? { verdict } : {}),
    ...(verdictReason ? { verdictReason } : {}),
  };
}

export function clearRelease(status: AgentRolloutStatus): void {
  status.canaryRevision = undefined;
  status.currentStepIndex = undefined;
  status.stepStartedAt = undefined;
  status.analysisStartedAt = undefined;
  status.analysisStartedWallAt = undefined;
  status.scrapeGate = undefined;
  status.pause = undefined;
}
