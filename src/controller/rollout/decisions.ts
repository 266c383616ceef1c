/**
 * Release decisions: pure edits of the status draft (plus the event and audit entries they
 * cause). Nothing here talks to the cluster; the pipeline in reconcile.ts applies the results.
 */

import type { Track } from "../../contract/agentRollout.ts";
import type { AgentRolloutStatus, AnalysisSpec, Measurement } from "../../crd/agentRollout.ts";
import { isoTime, parseTime } from "../clock.ts";
import { weightsHonoured, weightsTo } from "../traffic/router.ts";
import { setCondition } from "./conditions.ts";
import { decide, emit, type ReconcileContext, wakeAt } from "./context.ts";
import { analysisPassed, analysisSpecOf, currentStep, idleTrack } from "./phase.ts";
import { canaryReplicas } from "./tracks.ts";

export function freshAnalysis(
  previous?: AgentRolloutStatus["analysis"],
): NonNullable<AgentRolloutStatus["analysis"]> {
  return { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: previous?.lastMeasurements ?? [] };
}

export function initialize(context: ReconcileContext): void {
  if (context.status.activeTrack) return;
  context.status.activeTrack = "blue";
  context.status.stableRevision = context.desiredRevision;
  decide(context, {
    decision: "initialize",
    reason: "first reconcile: blue is the stable track",
    revision: context.desiredRevision,
  });
  emit(context, "Normal", "Initialized", `stable revision ${context.desiredRevision} on track blue`);
}

function clearRelease(status: AgentRolloutStatus): void {
  status.canaryRevision = undefined;
  status.currentStepIndex = undefined;
  status.stepStartedAt = undefined;
  status.pause = undefined;
}

/** Reacts to the template Pulumi asks for: start, supersede or cancel a release. */
export function detectRevision(context: ReconcileContext): void {
  const { status, desiredRevision: desired } = context;
  if (desired === status.canaryRevision) return;
  if (desired === status.stableRevision) {
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

export interface AnalysisTarget {
  track: Track;
  spec: AnalysisSpec;
}

/** Which track is under analysis now, if any: the canary, the blue-green preview, or the new active track right after a switch. */
export function analysisTarget(context: ReconcileContext): AnalysisTarget | undefined {
  const { status } = context;
  const spec = analysisSpecOf(context.spec);
  if (!spec || status.pause || !status.stepStartedAt || !status.activeTrack) return undefined;
  if (status.canaryRevision) return { track: idleTrack(status), spec };
  if (status.scaleDownAt && context.spec.strategy.blueGreen) return { track: status.activeTrack, spec };
  return undefined;
}

export function analysisDue(context: ReconcileContext, spec: AnalysisSpec): boolean {
  const last =
    parseTime(context.status.analysis?.lastRunAt) ?? parseTime(context.status.stepStartedAt) ?? context.now;
  const due = last + spec.intervalSeconds * 1000;
  if (context.now >= due) return true;
  wakeAt(context, due);
  return false;
}

export function describeFailure(measurements: readonly Measurement[]): string {
  const failed = measurements.filter((measurement) => measurement.phase === "Failed");
  return failed.map((measurement) => measurement.message ?? `${measurement.metric} failed`).join("; ");
}

export interface AbortCause {
  reason: string;
  message: string;
  by?: string;
  measurements?: Measurement[];
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
  status.pause = undefined;
  markDegraded(context, cause, "rollback", revision, {
    reason: "RolledBack",
    message: `revision ${revision} rolled back to ${previousRevision} on ${previous}: ${cause.message}`,
  });
}

function promoteCanary(context: ReconcileContext, reason: string, actor?: string): void {
  const { status } = context;
  const revision = status.canaryRevision;
  status.activeTrack = idleTrack(status);
  status.stableRevision = revision;
  clearRelease(status);
  status.scaleDownAt = isoTime(context.now);
  decide(context, { decision: "promote", reason, actor, revision });
  emit(context, "Normal", "Promoted", `revision ${revision} promoted on ${status.activeTrack}: ${reason}`);
}

export function advanceStep(context: ReconcileContext, reason: string, actor?: string): void {
  const { status } = context;
  const steps = context.spec.strategy.canary?.steps ?? [];
  const next = (status.currentStepIndex ?? 0) + 1;
  if (next >= steps.length) {
    promoteCanary(context, reason, actor);
    return;
  }
  status.currentStepIndex = next;
  status.stepStartedAt = undefined;
  status.analysis = freshAnalysis(status.analysis);
  const weight = steps[next]?.setWeight ?? 0;
  decide(context, {
    decision: "advance",
    reason: `step ${next + 1}/${steps.length} (${weight}%): ${reason}`,
    actor,
    revision: status.canaryRevision,
  });
  emit(
    context,
    "Normal",
    "StepAdvanced",
    `step ${next + 1}/${steps.length}: ${weight}% to ${idleTrack(status)} (${reason})`,
  );
}

/** Blue-green switch, refused until the new track is fully ready: returns why not, or undefined once switched. */
export function switchBlueGreen(
  context: ReconcileContext,
  reason: string,
  actor?: string,
): string | undefined {
  const { status } = context;
  const idle = idleTrack(status);
  const ready = context.tracks[idle]?.readyReplicas ?? 0;
  if (
    status.canaryRevision === undefined ||
    context.tracks[idle]?.revision !== status.canaryRevision ||
    ready < context.desiredReplicas
  ) {
    return `track ${idle} has ${ready}/${context.desiredReplicas} ready pods of the new revision`;
  }
  const revision = status.canaryRevision;
  const delaySeconds = context.spec.strategy.blueGreen?.scaleDownDelaySeconds ?? 0;
  status.activeTrack = idle;
  status.stableRevision = revision;
  clearRelease(status);
  status.stepStartedAt = isoTime(context.now);
  status.analysis = freshAnalysis(status.analysis);
  status.scaleDownAt = isoTime(context.now + delaySeconds * 1000);
  decide(context, { decision: "switch", reason, actor, revision });
  emit(
    context,
    "Normal",
    "Switched",
    `all traffic to ${idle} (revision ${revision}); previous track kept ${delaySeconds}s for rollback`,
  );
  return undefined;
}

export function finishScaleDown(context: ReconcileContext, actor: string): void {
  context.status.scaleDownAt = isoTime(context.now);
  decide(context, { decision: "retire-now", reason: "previous track retired early", actor });
}

/** Moves the release on when the step's analysis passed and its pause is over. */
export function progress(context: ReconcileContext): void {
  const { status, spec } = context;
  if (status.pause || !status.stepStartedAt || !status.canaryRevision || !analysisPassed(spec, status))
    return;
  if (spec.strategy.blueGreen) {
    const refused = spec.strategy.blueGreen.autoPromote
      ? switchBlueGreen(context, "pre-promotion analysis passed")
      : undefined;
    if (refused) context.problems.push(`not switching yet: ${refused}`);
    return;
  }
  const pause = currentStep(spec, status)?.pause;
  if (pause) {
    if (pause.durationSeconds === undefined) return;
    const end = (parseTime(status.stepStartedAt) ?? context.now) + pause.durationSeconds * 1000;
    if (context.now < end) {
      wakeAt(context, end);
      return;
    }
  }
  advanceStep(context, "analysis passed");
}

/** Starts the step's clock once its traffic (or the whole blue-green preview track) is in place. */
export function markStepInPlace(context: ReconcileContext): void {
  const { status } = context;
  if (!status.canaryRevision || status.stepStartedAt || status.pause) return;
  const idle = idleTrack(status);
  const track = context.tracks[idle];
  if (!track || track.revision !== status.canaryRevision) return;
  if (context.spec.strategy.blueGreen) {
    if (track.readyReplicas < context.desiredReplicas) return;
    status.stepStartedAt = isoTime(context.now);
    emit(
      context,
      "Normal",
      "PreviewReady",
      `track ${idle} ready (${track.readyReplicas} pods); pre-promotion analysis starts`,
    );
    return;
  }
  const weight = currentStep(context.spec, status)?.setWeight ?? 0;
  const ready = track.readyReplicas >= canaryReplicas(context.router, context.desiredReplicas, weight);
  if (!ready || !weightsHonoured(context.router, weightsTo(idle, weight), context.weights)) return;
  status.stepStartedAt = isoTime(context.now);
  decide(context, {
    decision: "weight",
    reason: `${weight}% to ${idle} in place`,
    revision: status.canaryRevision,
    weights: context.weights,
  });
}

/** Ends the Promoting phase once the previous track is at 0 (after its delay). */
export function completeScaleDown(context: ReconcileContext): void {
  const { status } = context;
  if (!status.scaleDownAt || status.canaryRevision || status.pause) return;
  const at = parseTime(status.scaleDownAt) ?? context.now;
  if (context.now < at) {
    wakeAt(context, at);
    return;
  }
  const previous = context.tracks[idleTrack(status)];
  if (previous && previous.replicas > 0) return;
  status.scaleDownAt = undefined;
  status.stepStartedAt = undefined;
  decide(context, {
    decision: "complete",
    reason: `revision ${status.stableRevision} serves all traffic; previous track at 0`,
  });
  emit(
    context,
    "Normal",
    "ReleaseComplete",
    `revision ${status.stableRevision} is stable on ${status.activeTrack}`,
  );
}

export function failureMessage(measurements: readonly Measurement[]): string {
  const text = describeFailure(measurements);
  return text ? `analysis failed: ${text}` : "analysis failed";
}
