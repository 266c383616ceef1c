/**
 * Progressing a release: a step's clock starts once its traffic (or the whole blue-green preview
 * track) is in place; the release moves on when the step's analysis passed and its pause is over.
 */

import { isoTime, parseTime } from "../../clock.ts";
import { weightsHonoured, weightsTo } from "../../traffic/router.ts";
import { decide, emit, type ReconcileContext, wakeAt } from "../context.ts";
import { analysisPassed, currentStep, idleTrack } from "../phase.ts";
import { canaryReplicas } from "../tracks.ts";
import { promoteCanary, switchBlueGreen } from "./promote.ts";
import { freshAnalysis } from "./releaseState.ts";

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
