/**
 * Progressing a release: a step's clock starts once its traffic (or the whole blue-green preview
 * track) is in place; the release moves on when the step's analysis passed and its pause is over.
 */

import { isoTime, parseTime } from "../../clock.ts";
import { weightsHonoured, weightsTo } from "../../traffic/router.ts";
import { decide, emit, type ReconcileContext, wakeAt } from "../context.ts";
import { analysisPassed, analysisSpecOf, currentStep, idleTrack } from "../phase.ts";
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

/**
 * With evidence, what promotion still waits for: the evidence must be Successful at the last look
 * (a failure has already aborted). Undefined: nothing (or no evidence analysis).
 */
export function awaitingEvidence(context: ReconcileContext): string | undefined {
  const { status, spec } = context;
  if (!analysisSpecOf(spec)?.evidence) return undefined;
  const analysis = status.analysis;
  if (analysis?.verdict === "Successful") return undefined;
  return `promotion waits for Successful evidence (now ${analysis?.verdict ?? "not looked at yet"}${analysis?.verdictReason ? `: ${analysis.verdictReason}` : ""})`;
}

function isLastStep(context: ReconcileContext): boolean {
  const steps = context.spec.strategy.canary?.steps ?? [];
  return (context.status.currentStepIndex ?? 0) + 1 >= steps.length;
}

/**
 * The value checks (gauges such as data quality) at the last look: all Successful. With evidence
 * they are measured at every look, beside the evidence.
 */
function gaugesHold(context: ReconcileContext): boolean {
  const names = new Set((analysisSpecOf(context.spec)?.metrics ?? []).map((metric) => metric.name));
  const gauges = (context.status.analysis?.lastMeasurements ?? []).filter((m) => names.has(m.metric));
  return gauges.length === names.size && gauges.every((measurement) => measurement.phase === "Successful");
}

/**
 * Whether the step's analysis lets the release move on. Without evidence: `count` successful
 * ticks. With evidence, an intermediate step still needs its ticks (a Failed verdict aborted
 * already); the final promotion and a blue-green switch need the evidence Successful and the
 * gauges holding at the last look instead: proven good over the whole release is a stronger
 * condition than any number of ticks, and waiting for more ticks after it only delays.
 */
function stepAnalysisPassed(context: ReconcileContext): boolean {
  const { spec, status } = context;
  const final = spec.strategy.blueGreen !== undefined || isLastStep(context);
  if (!final || !analysisSpecOf(spec)?.evidence) return analysisPassed(spec, status);
  return awaitingEvidence(context) === undefined && gaugesHold(context);
}

/** Moves the release on when the step's analysis passed (stepAnalysisPassed) and its pause is over. */
export function progress(context: ReconcileContext): void {
  const { status, spec } = context;
  if (status.pause || !status.stepStartedAt || !status.canaryRevision || !stepAnalysisPassed(context)) return;
  if (spec.strategy.blueGreen) {
    const refused = spec.strategy.blueGreen.autoPromote
      ? switchBlueGreen(context, `pre-promotion ${passedReason(context)}`)
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
  advanceStep(context, passedReason(context));
}

/** Why a step passed; with evidence, the last look's verdict and what it rests on. */
function passedReason(context: ReconcileContext): string {
  const analysis = context.status.analysis;
  if (!analysisSpecOf(context.spec)?.evidence || !analysis?.verdict) return "analysis passed";
  return `analysis passed; evidence ${analysis.verdict}${analysis.verdictReason ? `: ${analysis.verdictReason}` : ""}`;
}

/** The evidence window starts with the release's first step in place and stays for the release. */
function startEvidenceWindow(context: ReconcileContext): void {
  const { status } = context;
  if (!analysisSpecOf(context.spec)?.evidence || status.analysisStartedAt) return;
  status.analysisStartedAt = status.stepStartedAt;
  // The queries' window is measured on Prometheus's (real) time, pauses on the release clock.
  status.analysisStartedWallAt = isoTime(context.wallNow);
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
    startEvidenceWindow(context);
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
  startEvidenceWindow(context);
  decide(context, {
    decision: "weight",
    reason: `${weight}% to ${idle} in place`,
    revision: status.canaryRevision,
    weights: context.weights,
  });
}
