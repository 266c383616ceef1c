/**
 * The analysis step with `evidence`: fail fast, promote patiently.
 *
 * - A *look* is due every `evidence.lookIntervalSeconds` (the scrape interval): the count queries
 *   for the canary and the stable track over the same window, from `analysisStartedAt` (the
 *   release's first step in place) to now, measured on the wall clock (`analysisStartedWallAt`:
 *   Prometheus's time, whatever the release clock's speed), judged by the anytime-valid statistics, plus the
 *   `metrics` (the data-quality gauge). A Failed verdict aborts at that look, whatever the pause,
 *   the analysis interval or `failureLimit` say: its interval holds at every look at once.
 * - A *tick* is due every `intervalSeconds`, as without evidence: the look then also counts
 *   against `count`, `failureLimit` and `inconclusiveLimit`. "Not enough evidence yet" is not
 *   inconclusive there (the statistics are still gathering); no data, failed queries and an
 *   unreachable provider are, as before.
 * - Promotion (progress.ts) needs the evidence Successful at the last look: the canary's last
 *   step and a blue-green switch wait for it; intermediate steps only for their pause and `count`.
 *   Successful means every guard rail proven and no comparison Failed (`promotionVerdict`): a
 *   comparison short of stable records, as at a 100 % step, does not hold the release.
 *
 * Why one window for the whole release rather than one per step: the stable track has no traffic
 * at a 100 % step, so a per-step comparison there would never have evidence; and a single
 * sequence keeps the release's false-abort bound at 1 − confidence instead of one per step.
 */
import { evidenceWindow, type QueryVariables } from "../../contract/analysisQueries.ts";
import type { AnalysisSpec, EvidenceSpec, Measurement } from "../../crd/agentRollout.ts";
import type { MeasurementPhase } from "../analysis/evaluate.ts";
import { type EvidenceLook, lookAtEvidence } from "../analysis/evidenceLook.ts";
import type { MetricProvider } from "../analysis/provider.ts";
import { type AnalysisTick, runAnalysisTick } from "../analysis/run.ts";
import { isoTime, parseTime } from "../clock.ts";
import { type AnalysisTarget, countTick, failAnalysis, noteOnline, recordBlind } from "./analysisTally.ts";
import { type ReconcileContext, wakeAt } from "./context.ts";
import { freshAnalysis } from "./decide/releaseState.ts";

/** When the evidence window starts: the release's first step in place (or the current step's, for releases started before it was recorded). */
export function evidenceStart(context: ReconcileContext): number {
  const { status } = context;
  return parseTime(status.analysisStartedAt) ?? parseTime(status.stepStartedAt) ?? context.now;
}

/**
 * Seconds of the evidence window, as Prometheus counts them: wall-clock time since the analysis
 * started. The release clock may run faster (the sandbox's time scale); a window measured on it
 * would reach back into earlier releases' series on the same track. A release started before the
 * wall time was recorded falls back to the release clock.
 */
export function evidenceSeconds(context: ReconcileContext): number {
  const wallStart = parseTime(context.status.analysisStartedWallAt);
  if (wallStart !== undefined) return Math.max(0, context.wallNow - wallStart) / 1000;
  return (context.now - evidenceStart(context)) / 1000;
}

function dueAt(context: ReconcileContext, last: string | undefined, seconds: number): number {
  return (parseTime(last) ?? parseTime(context.status.stepStartedAt) ?? context.now) + seconds * 1000;
}

/** The tally's verdict of a tick: the gauges' verdict, and the evidence's data problems (never its "not yet"). */
export function tickPhase(
  tick: AnalysisTick,
  look: EvidenceLook,
  noData: AnalysisSpec["noData"],
): MeasurementPhase {
  const evidence: MeasurementPhase = !look.problem
    ? "Successful"
    : look.problem.reason === "NoData" && noData === "failure"
      ? "Failed"
      : "Inconclusive";
  if (tick.verdict === "Failed" || evidence === "Failed") return "Failed";
  if (tick.verdict === "Inconclusive" || evidence === "Inconclusive") return "Inconclusive";
  return "Successful";
}

function stableVariables(context: ReconcileContext, canary: QueryVariables): QueryVariables | undefined {
  const { status, spec } = context;
  if (!spec.strategy.canary || !status.canaryRevision || !status.activeTrack) return undefined;
  return { ...canary, track: status.activeTrack };
}

/** What the status says of a look; "not counted" tells operators why a long wait does not pause the release. */
function verdictReason(look: EvidenceLook): string {
  if (look.verdict !== "Inconclusive" || look.problem) return look.reason;
  return `${look.reason} (gathering evidence: not counted against inconclusiveLimit)`;
}

function record(
  context: ReconcileContext,
  measurements: Measurement[],
  look: EvidenceLook | undefined,
): void {
  const tally = context.status.analysis ?? freshAnalysis();
  context.status.analysis = {
    ...tally,
    lastMeasurements: measurements,
    lastLookAt: isoTime(context.now),
    ...(look ? { verdict: look.verdict, verdictReason: verdictReason(look) } : {}),
  };
}

export async function analyseEvidence(
  context: ReconcileContext,
  provider: MetricProvider,
  target: AnalysisTarget,
  evidence: EvidenceSpec,
): Promise<AnalysisTick | undefined> {
  const { spec } = target;
  const analysis = context.status.analysis;
  const lookDue = dueAt(context, analysis?.lastLookAt, evidence.lookIntervalSeconds);
  const tickDue = dueAt(context, analysis?.lastRunAt, spec.intervalSeconds);
  const isTick = context.now >= tickDue;
  if (context.now < lookDue && !isTick) {
    wakeAt(context, Math.min(lookDue, tickDue));
    return undefined;
  }
  const at = isoTime(context.now);
  const canary = { namespace: context.key.namespace, agent: context.spec.agent, track: target.track };
  const tick = await runAnalysisTick(provider, spec, canary, at);
  if (tick.blind) {
    record(context, tick.measurements, undefined);
    if (isTick && context.status.analysis) context.status.analysis.lastRunAt = at;
    recordBlind(context, tick.blind);
  } else {
    const stable = stableVariables(context, canary);
    const window = evidenceWindow(evidenceSeconds(context), evidence.lookIntervalSeconds);
    const look = await lookAtEvidence(
      provider,
      evidence,
      { canary, ...(stable ? { stable } : {}) },
      window,
      at,
    );
    const measurements = [...look.measurements, ...tick.measurements];
    record(context, measurements, look);
    noteOnline(context);
    if (look.verdict === "Failed") failAnalysis(context, measurements);
    else if (isTick) countTick(context, spec, tickPhase(tick, look, spec.noData), measurements);
  }
  const next = context.status.analysis;
  if (next && (context.status.canaryRevision || context.status.scaleDownAt) && !context.status.pause)
    wakeAt(
      context,
      Math.min(
        dueAt(context, next.lastLookAt, evidence.lookIntervalSeconds),
        dueAt(context, next.lastRunAt, spec.intervalSeconds),
      ),
    );
  return tick;
}
