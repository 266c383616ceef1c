/**
 * The analysis step of a reconcile: when a tick is due, query the provider for the track under
 * test and fold the result into the status. Failure aborts (or rolls back after a blue-green
 * switch); too many inconclusive ticks pause the release; a blind tick only holds and says why.
 */

import type { Track } from "../../contract/agentRollout.ts";
import type { AnalysisSpec } from "../../crd/agentRollout.ts";
import { addTick, analysisVerdict } from "../analysis/evaluate.ts";
import type { MetricProvider } from "../analysis/provider.ts";
import { type AnalysisTick, runAnalysisTick } from "../analysis/run.ts";
import { isoTime, parseTime } from "../clock.ts";
import { getCondition, setCondition } from "./conditions.ts";
import { decide, emit, type ReconcileContext, wakeAt } from "./context.ts";
import { abortRelease, failureMessage, rollBack } from "./decide/fail.ts";
import { freshAnalysis } from "./decide/releaseState.ts";
import { analysisSpecOf, idleTrack } from "./phase.ts";

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

function recordBlind(context: ReconcileContext, reason: string): void {
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

export function recordTick(context: ReconcileContext, spec: AnalysisSpec, tick: AnalysisTick): void {
  const { status } = context;
  const tally = status.analysis ?? freshAnalysis();
  status.analysis = { ...tally, lastMeasurements: tick.measurements, lastRunAt: isoTime(context.now) };
  if (tick.blind) {
    recordBlind(context, tick.blind);
    return;
  }
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
  const counted = addTick(tally, tick.verdict);
  status.analysis = { ...counted, lastMeasurements: tick.measurements, lastRunAt: isoTime(context.now) };
  const verdict = analysisVerdict(spec, counted);
  if (verdict === "Failed") {
    const cause = {
      reason: "AnalysisFailed",
      message: failureMessage(tick.measurements),
      measurements: tick.measurements,
    };
    if (status.canaryRevision) abortRelease(context, cause);
    else rollBack(context, cause);
  } else if (verdict === "Inconclusive") {
    status.pause = { reason: "InconclusiveAnalysis", since: isoTime(context.now) };
    const message = `${counted.inconclusives} inconclusive analyses (limit ${spec.inconclusiveLimit}); paused until promote, resume or abort`;
    decide(context, {
      decision: "pause",
      reason: message,
      revision: status.canaryRevision,
      measurements: tick.measurements,
    });
    emit(context, "Warning", "AnalysisInconclusive", message);
  }
}

export async function analyse(
  context: ReconcileContext,
  provider: MetricProvider,
): Promise<AnalysisTick | undefined> {
  const target = analysisTarget(context);
  if (!target || !analysisDue(context, target.spec)) return undefined;
  const variables = { namespace: context.key.namespace, agent: context.spec.agent, track: target.track };
  const tick = await runAnalysisTick(provider, target.spec, variables, isoTime(context.now));
  recordTick(context, target.spec, tick);
  if (analysisTarget(context)) wakeAt(context, context.now + target.spec.intervalSeconds * 1000);
  return tick;
}
