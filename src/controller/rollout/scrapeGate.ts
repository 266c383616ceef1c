/**
 * The scrape gate: a canary release sends its first traffic only once Prometheus scrapes the
 * canary's pods. Service discovery adds a new pod's target only every few seconds (Prometheus
 * throttles discovery updates to 5 s) and a new series needs two samples before `increase()`
 * sees anything, so without the gate the first seconds of canary traffic, the failures a fast
 * abort exists to stop, are served unseen. With it, the evidence window's lookback (one scrape)
 * holds each counter's sample from before the first canary record: the counts are exact from the
 * first look on.
 *
 * The wait is bounded (`SCRAPE_GATE_LOOKS` looks, at least `SCRAPE_GATE_MIN_SECONDS` of wall
 * time): a fleet whose pods are never scraped (a PodMonitor that selects nothing, Prometheus
 * down) then releases blind, with a Warning, and the analysis's no-data rules judge it, as they
 * would without the gate.
 */
import { renderQuery, SCRAPED_PODS_QUERY } from "../../contract/analysisQueries.ts";
import { type MetricProvider, NoDataError } from "../analysis/provider.ts";
import { isoTime, parseTime } from "../clock.ts";
import { errorMessage } from "../kube/errors.ts";
import { decide, emit, type ReconcileContext, wakeAt } from "./context.ts";
import { analysisSpecOf, idleTrack } from "./phase.ts";
import { canaryCarriesStep } from "./tracks.ts";

export const SCRAPE_GATE_LOOKS = 10;
export const SCRAPE_GATE_MIN_SECONDS = 30;

/** Whether the release's first canary traffic still waits for the gate (pure: weights.ts asks it). */
export function gateHoldsTraffic(context: ReconcileContext): boolean {
  const { status, spec } = context;
  if (!spec.strategy.canary || !analysisSpecOf(spec)?.evidence || !status.canaryRevision) return false;
  // A release already past its first traffic (or started before the gate existed) is not held back.
  if (status.analysisStartedAt || (context.weights?.[idleTrack(status)] ?? 0) > 0) return false;
  return !status.scrapeGate?.passedAt;
}

/** Ready for the step's traffic (as weights.ts routes it), with a pod for Prometheus to scrape. */
function canaryReady(context: ReconcileContext): boolean {
  const ready = context.tracks[idleTrack(context.status)]?.readyReplicas ?? 0;
  return canaryCarriesStep(context) && ready >= 1;
}

async function scrapedPods(context: ReconcileContext, provider: MetricProvider): Promise<number> {
  const query = renderQuery(SCRAPED_PODS_QUERY, {
    namespace: context.key.namespace,
    agent: context.spec.agent,
    track: idleTrack(context.status),
  });
  try {
    return await provider.runQuery(query);
  } catch (error) {
    if (error instanceof NoDataError) return 0;
    throw error;
  }
}

function pass(context: ReconcileContext, since: string, reason: string, blind: boolean): void {
  const { status } = context;
  status.scrapeGate = { since, passedAt: isoTime(context.wallNow), ...(blind ? { blind } : {}) };
  decide(context, { decision: "scrape-gate", reason, revision: status.canaryRevision });
  emit(context, blind ? "Warning" : "Normal", blind ? "CanaryUnscraped" : "CanaryScraped", reason);
}

/** Opens the gate once a ready canary pod is scraped, or blind once the wait ran out. */
export async function checkScrapeGate(context: ReconcileContext, provider: MetricProvider): Promise<void> {
  if (!gateHoldsTraffic(context) || !canaryReady(context) || context.status.pause) return;
  const { status } = context;
  const evidence = analysisSpecOf(context.spec)?.evidence;
  const lookSeconds = evidence?.lookIntervalSeconds ?? 1;
  const since = status.scrapeGate?.since ?? isoTime(context.wallNow);
  const waited = (context.wallNow - (parseTime(since) ?? context.wallNow)) / 1000;
  const limit = Math.max(SCRAPE_GATE_MIN_SECONDS, SCRAPE_GATE_LOOKS * lookSeconds);
  let seen = 0;
  let problem: string | undefined;
  try {
    seen = await scrapedPods(context, provider);
  } catch (error) {
    problem = errorMessage(error);
  }
  const track = idleTrack(status);
  if (seen >= 1) {
    pass(context, since, `Prometheus scrapes ${seen} pod(s) of track ${track}: canary traffic starts`, false);
    return;
  }
  if (waited >= limit) {
    pass(
      context,
      since,
      `Prometheus has not scraped track ${track} after ${Math.round(waited)} s${problem ? ` (${problem})` : ""}: canary traffic starts unseen; the analysis's no-data rules apply`,
      true,
    );
    return;
  }
  status.scrapeGate = { since };
  if (problem) context.problems.push(`scrape gate: ${problem}`);
  wakeAt(context, context.now + lookSeconds * 1000);
}

/** What the status message says while the gate holds the first traffic back. */
export function scrapeGateNote(context: ReconcileContext): string {
  const since = context.status.scrapeGate?.since;
  if (!since || !gateHoldsTraffic(context)) return "";
  return `; waiting since ${since} for Prometheus to scrape track ${idleTrack(context.status)} before its first traffic`;
}
