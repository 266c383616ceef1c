/**
 * The analysis step of a reconcile: when a tick is due, query the provider for the track under
 * test and fold the result into the status (with `evidence`, evidenceStep.ts looks at every
 * scrape instead). Failure aborts (or rolls back after a blue-green
 * switch); too many inconclusive ticks pause the release; a blind tick only holds and says why.
 */

import type { AnalysisSpec } from "../../crd/agentRollout.ts";
import type { MetricProvider } from "../analysis/provider.ts";
import { type AnalysisTick, runAnalysisTick } from "../analysis/run.ts";
import { isoTime, parseTime } from "../clock.ts";
import type { AnalysisTarget } from "./analysisTally.ts";
import { countTick, noteOnline, recordBlind } from "./analysisTally.ts";
import { type ReconcileContext, wakeAt } from "./context.ts";
import { freshAnalysis } from "./decide/releaseState.ts";
import { analyseEvidence } from "./evidenceStep.ts";
import { analysisSpecOf, idleTrack } from "./phase.ts";

export type { AnalysisTarget } from "./analysisTally.ts";

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

export function recordTick(context: ReconcileContext, spec: AnalysisSpec, tick: AnalysisTick): void {
  const { status } = context;
  const tally = status.analysis ?? freshAnalysis();
  status.analysis = { ...tally, lastMeasurements: tick.measurements, lastRunAt: isoTime(context.now) };
  if (tick.blind) {
    recordBlind(context, tick.blind);
    return;
  }
  noteOnline(context);
  countTick(context, spec, tick.verdict, tick.measurements);
}

export async function analyse(
  context: ReconcileContext,
  provider: MetricProvider,
): Promise<AnalysisTick | undefined> {
  const target = analysisTarget(context);
  if (!target) return undefined;
  if (target.spec.evidence) return analyseEvidence(context, provider, target, target.spec.evidence);
  if (!analysisDue(context, target.spec)) return undefined;
  const variables = { namespace: context.key.namespace, agent: context.spec.agent, track: target.track };
  const tick = await runAnalysisTick(provider, target.spec, variables, isoTime(context.now));
  recordTick(context, target.spec, tick);
  if (analysisTarget(context)) wakeAt(context, context.now + target.spec.intervalSeconds * 1000);
  return tick;
}
