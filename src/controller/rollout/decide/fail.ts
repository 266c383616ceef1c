/**
 * Failing a release: an abort sends all traffic back to the stable track before the switch; a
 * rollback after a blue-green switch returns to the previous track, still at full size. Both
 * leave the Degraded condition, an audit decision and a Warning Event.
 */
import type { Measurement } from "../../../crd/agentRollout.ts";
import { isoTime } from "../../clock.ts";
import { setCondition } from "../conditions.ts";
import { decide, emit, type ReconcileContext } from "../context.ts";
import { idleTrack } from "../phase.ts";
import { clearRelease } from "./releaseState.ts";

export interface AbortCause {
  reason: string;
  message: string;
  by?: string;
  measurements?: Measurement[];
}

export function describeFailure(measurements: readonly Measurement[]): string {
  const failed = measurements.filter((measurement) => measurement.phase === "Failed");
  return failed.map((measurement) => measurement.message ?? `${measurement.metric} failed`).join("; ");
}

export function failureMessage(measurements: readonly Measurement[]): string {
  const text = describeFailure(measurements);
  return text ? `analysis failed: ${text}` : "analysis failed";
}

/** What an abort and a rollback both leave behind: the Degraded condition, the decision, an Event. */
function markDegraded(
  context: ReconcileContext,
  cause: AbortCause,
  decision: "abort" | "rollback",
  revision: string | undefined,
  event: { reason: string; message: string },
): void {
  setCondition(context.status, "Degraded", "True", cause.reason, cause.message, isoTime(context.now));
  decide(context, {
    decision,
    reason: cause.message,
    actor: cause.by,
    revision,
    measurements: cause.measurements,
  });
  emit(context, "Warning", event.reason, event.message);
}

export function abortRelease(context: ReconcileContext, cause: AbortCause): void {
  const { status } = context;
  const revision = status.canaryRevision;
  status.abortedRevision = revision;
  status.abortedBy = cause.by;
  clearRelease(status);
  status.scaleDownAt = undefined;
  markDegraded(context, cause, "abort", revision, {
    reason: "RolloutAborted",
    message: `revision ${revision} aborted: ${cause.message}; all traffic back to ${status.activeTrack}`,
  });
}

/** After a blue-green switch: back to the previous track, still at full size. */
export function rollBack(context: ReconcileContext, cause: AbortCause): void {
  const { status } = context;
  const previous = idleTrack(status);
  const previousRevision = context.tracks[previous]?.revision;
  if (!previousRevision) {
    context.problems.push(`cannot roll back: track ${previous} is gone`);
    return;
  }
  const revision = status.stableRevision;
  status.abortedRevision = revision;
  status.abortedBy = cause.by;
  status.activeTrack = previous;
  status.stableRevision = previousRevision;
  status.scaleDownAt = undefined;
  status.stepStartedAt = undefined;
  status.analysisStartedAt = undefined;
  status.analysisStartedWallAt = undefined;
  status.scrapeGate = undefined;
  status.pause = undefined;
  markDegraded(context, cause, "rollback", revision, {
    reason: "RolledBack",
    message: `revision ${revision} rolled back to ${previousRevision} on ${previous}: ${cause.message}`,
  });
}
