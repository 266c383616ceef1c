/**
 * Starting a release: the first reconcile's stable track, and the reaction to the template
 * Pulumi asks for (start, supersede or cancel). Pure edits of the status draft plus the Events
 * and audit decisions they cause; the pipeline in reconcile.ts applies the results.
 */
import { FIRST_TRACK } from "../../../contract/agentRollout.ts";
import { isoTime } from "../../clock.ts";
import { setCondition } from "../conditions.ts";
import { decide, emit, type ReconcileContext } from "../context.ts";
import { idleTrack } from "../phase.ts";
import { clearRelease, freshAnalysis } from "./releaseState.ts";

export function initialize(context: ReconcileContext): void {
  if (context.status.activeTrack) return;
  context.status.activeTrack = FIRST_TRACK;
  context.status.stableRevision = context.desiredRevision;
  decide(context, {
    decision: "initialize",
    reason: "first reconcile: blue is the stable track",
    revision: context.desiredRevision,
  });
  emit(context, "Normal", "Initialized", `stable revision ${context.desiredRevision} on track blue`);
}

/** The template is back on the stable revision: a running release is cancelled, an abort forgotten. */
function revertToStable(context: ReconcileContext): void {
  const { status, desiredRevision: desired } = context;
  if (status.canaryRevision) {
    decide(context, {
      decision: "cancel",
      reason: "the template was reverted to the stable revision",
      revision: status.canaryRevision,
    });
    emit(
      context,
      "Normal",
      "ReleaseCancelled",
      `revision ${status.canaryRevision} cancelled: template reverted to ${desired}`,
    );
    clearRelease(status);
  }
  if (status.abortedRevision) {
    status.abortedRevision = undefined;
    status.abortedBy = undefined;
  }
}

/** Reacts to the template Pulumi asks for: start, supersede or cancel a release. */
export function detectRevision(context: ReconcileContext): void {
  const { status, desiredRevision: desired } = context;
  if (desired === status.canaryRevision) return;
  if (desired === status.stableRevision) {
    revertToStable(context);
    return;
  }
  if (desired === status.abortedRevision && !status.canaryRevision) return;
  if (status.canaryRevision) {
    decide(context, {
      decision: "supersede",
      reason: `revision ${desired} arrived during the release`,
      revision: status.canaryRevision,
    });
    emit(
      context,
      "Normal",
      "ReleaseSuperseded",
      `revision ${status.canaryRevision} superseded by ${desired}`,
    );
  }
  clearRelease(status);
  status.canaryRevision = desired;
  status.currentStepIndex = context.spec.strategy.canary ? 0 : undefined;
  status.analysis = freshAnalysis(status.analysis);
  status.abortedRevision = undefined;
  status.abortedBy = undefined;
  status.scaleDownAt = undefined;
  setCondition(
    status,
    "Degraded",
    "False",
    "ReleaseStarted",
    `releasing revision ${desired}`,
    isoTime(context.now),
  );
  decide(context, {
    decision: "start",
    reason: `new revision ${desired} (stable ${status.stableRevision})`,
    revision: desired,
  });
  emit(context, "Normal", "ReleaseStarted", `releasing revision ${desired} on track ${idleTrack(status)}`);
}
