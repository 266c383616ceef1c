/**
 * What both analysis modes share: the blind and online bookkeeping, failing a release on failed
 * measurements, and counting one tick against `count`, `failureLimit` and `inconclusiveLimit`.
 */
import type { Track } from "../../contract/agentRollout.ts";
import type { AnalysisSpec, Measurement } from "../../crd/agentRollout.ts";
import { addTick, analysisVerdict, type MeasurementPhase } from "../analysis/evaluate.ts";
import { isoTime } from "../clock.ts";
import { getCondition, setCondition } from "./conditions.ts";
import { decide, emit, type ReconcileContext } from "./context.ts";
import { abortRelease, failureMessage, rollBack } from "./decide/fail.ts";
import { freshAnalysis } from "./decide/releaseState.ts";

export interface AnalysisTarget {
  track: Track;
  spec: AnalysisSpec;
}

export function recordBlind(context: ReconcileContext, reason: string): void {
  const now = isoTime(context.now);
  const wasBlind = getCondition(context.status, "AnalysisAvailable")?.status === "False";
  setCondition(
    context.status,
    "AnalysisAvailable",
    "False",
    "ProviderUnavailable",
    `${reason}; holding current weights`,
    now,
  );
  if (!wasBlind) {
    decide(context, {
      decision: "hold",
      reason: `blind: ${reason}`,
      revision: context.status.canaryRevision,
      weights: context.weights,
    });
    emit(
      context,
      "Warning",
      "AnalysisUnavailable",
      `${reason}; weights held at ${context.weights?.blue ?? "?"}/${context.weights?.green ?? "?"} (blue/green)`,
    );
  }
}

/** The provider answered: clear the blind condition (and say so once when it was set). */
export function noteOnline(context: ReconcileContext): void {
  const { status } = context;
  const wasBlind = getCondition(status, "AnalysisAvailable")?.status === "False";
  setCondition(
    status,
    "AnalysisAvailable",
    "True",
    "ProviderOnline",
    "metrics provider answering",
    isoTime(context.now),
  );
  if (wasBlind)
    decide(context, {
      decision: "resume-analysis",
      reason: "metrics provider is back",
      revision: status.canaryRevision,
    });
}

/** Aborts a release (or rolls back after a blue-green switch) on failed measurements. */
export function failAnalysis(context: ReconcileContext, measurements: Measurement[]): void {
  const cause = { reason: "AnalysisFailed", message: failureMessage(measurements), measurements };
  if (context.status.canaryRevision) abortRelease(context, cause);
  else rollBack(context, cause);
}

/** Counts one tick's verdict; failing past `failureLimit` aborts, too many inconclusive pause. */
export function countTick(
  context: ReconcileContext,
  spec: AnalysisSpec,
  verdict: MeasurementPhase,
  measurements: Measurement[],
): void {
  const { status } = context;
  const tally = status.analysis ?? freshAnalysis();
  const counted = addTick(tally, verdict);
  status.analysis = { ...tally, ...counted, lastMeasurements: measurements, lastRunAt: isoTime(context.now) };
  const outcome = analysisVerdict(spec, counted);
  if (outcome === "Failed") failAnalysis(context, measurements);
  else if (outcome === "Inconclusive") {
    status.pause = { reason: "InconclusiveAnalysis", since: isoTime(context.now) };
    const message = `${counted.inconclusives} inconclusive analyses (limit ${spec.inconclusiveLimit}); paused until promote, resume or abort`;
    decide(context, {
      decision: "pause",
      reason: message,
      revision: status.canaryRevision,
      measurements,
    });
    emit(context, "Warning", "AnalysisInconclusive", message);
  }
}
