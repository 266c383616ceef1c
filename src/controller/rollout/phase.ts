/**
 * The release state machine, read off the status facts by pure functions. Phases:
 * - `Pending`      never reconciled.
 * - `Progressing`  a track is coming up, or traffic is moving to the current step.
 * - `Analysing`    traffic is in place for the step; the analysis is running.
 * - `Paused`       waiting: a timed or manual step pause, a user's pause, or too many inconclusive analyses.
 * - `Promoting`    traffic is on the new track; the previous one is kept for instant rollback, then retired.
 * - `Healthy`      no release running; the stable track is fully available.
 * - `Degraded`     the analysis failed and the release was aborted (or the spec is unusable).
 * - `Aborted`      a user aborted the release.
 * Leaving Degraded/Aborted takes a new revision, a revert to the stable one, or `resume` (retry).
 */

import type { Track } from "../../contract/agentRollout.ts";
import { FIRST_TRACK, otherTrack } from "../../contract/agentRollout.ts";
import type {
  AgentRolloutSpec,
  AgentRolloutStatus,
  CanaryStepSpec,
  RolloutPhase,
} from "../../crd/agentRollout.ts";
import { revisionOf } from "./revision.ts";

export type StrategyKind = "canary" | "blueGreen";

export function strategyKind(spec: AgentRolloutSpec): StrategyKind | undefined {
  if (spec.strategy.canary) return "canary";
  if (spec.strategy.blueGreen) return "blueGreen";
  return undefined;
}

export function analysisSpecOf(spec: AgentRolloutSpec) {
  return spec.strategy.canary?.analysis ?? spec.strategy.blueGreen?.analysis;
}

export function currentStep(spec: AgentRolloutSpec, status: AgentRolloutStatus): CanaryStepSpec | undefined {
  return spec.strategy.canary?.steps[status.currentStepIndex ?? 0];
}

/** The track serving the stable version (before any switch: the first track). */
export function activeTrack(status: AgentRolloutStatus): Track {
  return status.activeTrack ?? FIRST_TRACK;
}

/** The track a release runs on. */
export function idleTrack(status: AgentRolloutStatus): Track {
  return otherTrack(status.activeTrack);
}

export function conditionIs(status: AgentRolloutStatus, type: string, value: "True" | "False"): boolean {
  return (
    status.conditions?.some((condition) => condition.type === type && condition.status === value) ?? false
  );
}

export function analysisPassed(spec: AgentRolloutSpec, status: AgentRolloutStatus): boolean {
  const analysis = analysisSpecOf(spec);
  return analysis !== undefined && (status.analysis?.successes ?? 0) >= analysis.count;
}

/** Whether the current release was aborted and the spec still asks for the aborted revision. */
export function isAborted(spec: AgentRolloutSpec, status: AgentRolloutStatus): boolean {
  return (
    status.abortedRevision !== undefined &&
    status.canaryRevision === undefined &&
    status.abortedRevision === revisionOf(spec.template)
  );
}

function releasePhase(spec: AgentRolloutSpec, status: AgentRolloutStatus): RolloutPhase {
  if (!status.stepStartedAt) return "Progressing";
  if (spec.strategy.canary) {
    return analysisPassed(spec, status) && currentStep(spec, status)?.pause ? "Paused" : "Analysing";
  }
  return analysisPassed(spec, status) && spec.strategy.blueGreen?.autoPromote === false
    ? "Paused"
    : "Analysing";
}

export function derivePhase(spec: AgentRolloutSpec, status: AgentRolloutStatus): RolloutPhase {
  if (conditionIs(status, "InvalidSpec", "True")) return "Degraded";
  if (!status.activeTrack) return "Pending";
  if (isAborted(spec, status)) return status.abortedBy ? "Aborted" : "Degraded";
  if (status.pause) return "Paused";
  if (status.canaryRevision) return releasePhase(spec, status);
  if (status.scaleDownAt) return "Promoting";
  if (revisionOf(spec.template) !== status.stableRevision) return "Progressing";
  return conditionIs(status, "Available", "True") ? "Healthy" : "Progressing";
}
