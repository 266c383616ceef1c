/**
 * The analysis semantics a release benchmark compares, each as a merge patch of the AgentRollout's
 * `spec.strategy.canary.analysis` written before a release (steps, queries and thresholds stay
 * the rendered ones, so only the decision rule differs):
 *
 *   ours        the spec as the stack renders it (evidence analysis and all), at the common interval.
 *   flagger-tN  Flagger: `analysis.interval` "schedule interval (default 60s)", `threshold` "max
 *               number of failed metric checks before rollback" (https://docs.flagger.app/usage/how-it-works,
 *               Canary analysis; 1 is the lowest, 5 and 10 are in its examples). Flagger rolls back at
 *               failedChecks ≥ threshold, we abort at failures > failureLimit: threshold N is
 *               failureLimit N−1.
 *   argo        Argo Rollouts: an AnalysisTemplate metric's `failureLimit` defaults to 0, i.e. the
 *               first failed measurement fails the analysis
 *               (https://argo-rollouts.readthedocs.io/en/stable/features/analysis/, "Failure
 *               Conditions and Failure Limit"). Argo's inconclusiveLimit (also 0) is left ours: a
 *               check without data pausing a release is not what is compared.
 *
 * Every strategy runs at one common analysis interval (the bench's `--interval`, by default
 * Flagger's 60 s, compressed by the sandbox's time scale), so what differs is the decision rule
 * alone: ours looks at the evidence at the scrape cadence whatever the interval, the others judge
 * at each interval.
 *
 * Flagger and Argo judge each check by its value at each interval: for them the evidence analysis
 * is removed and its guard rails (error rate, p95 latency) become value checks at the same
 * thresholds, beside the rendered ones (data quality), as they would be written for those tools.
 */
import { defaultAnalysisMetrics } from "../../src/contract/analysisQueries.ts";
import type { AnalysisSpec } from "../../src/crd/agentRollout.ts";
import type { AnalysisPatch } from "./analysis.ts";

export const STRATEGIES = ["ours", "flagger-t1", "flagger-t5", "argo"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Flagger's default schedule interval, in seconds (before the time scale). */
export const FLAGGER_INTERVAL_SECONDS = 60;

/** The per-check fields every tool compared here has an equivalent of. */
const THRESHOLD_FIELDS: ReadonlyArray<keyof AnalysisSpec> = [
  "intervalSeconds",
  "count",
  "failureLimit",
  "inconclusiveLimit",
  "noData",
  "metrics",
];

/** An interval under the sandbox's time scale (floor one second, as the sandbox compresses). */
export function compressedSeconds(seconds: number, timeScale: number): number {
  return Math.max(1, Math.round(seconds / timeScale));
}

/** Flagger's `threshold` as our `failureLimit`. */
export function flaggerFailureLimit(threshold: number): number {
  return threshold - 1;
}

/** Nulls for the rendered fields beyond the per-check ones, so a merge patch removes them. */
function withoutExtraFields(rendered: AnalysisSpec): AnalysisPatch {
  return Object.fromEntries(
    Object.keys(rendered)
      .filter((field) => !(THRESHOLD_FIELDS as readonly string[]).includes(field))
      .map((field) => [field, null]),
  );
}

/**
 * The patch that puts an agent's analysis under `strategy` at `intervalSeconds` (already
 * compressed), from the spec the stack rendered (`rendered`, read before any patch). `ours` writes
 * the rendered spec back in full, so an agent that ran another strategy before is restored.
 */
export function analysisPatchFor(
  strategy: StrategyName,
  rendered: AnalysisSpec,
  intervalSeconds: number,
): AnalysisPatch {
  const atInterval: AnalysisSpec = { ...rendered, intervalSeconds };
  switch (strategy) {
    case "ours":
      return atInterval;
    case "flagger-t1":
    case "flagger-t5":
      return {
        ...withoutExtraFields(atInterval),
        ...pickThresholdFields(atInterval),
        failureLimit: flaggerFailureLimit(strategy === "flagger-t1" ? 1 : 5),
      };
    case "argo":
      return { ...withoutExtraFields(atInterval), ...pickThresholdFields(atInterval), failureLimit: 0 };
  }
}

function pickThresholdFields(rendered: AnalysisSpec): AnalysisPatch {
  return {
    ...Object.fromEntries(THRESHOLD_FIELDS.map((field) => [field, rendered[field]])),
    metrics: valueChecks(rendered),
  };
}

/** The rendered value checks plus the evidence's guard rails as value checks (same thresholds). */
export function valueChecks(rendered: AnalysisSpec): AnalysisSpec["metrics"] {
  const evidence = rendered.evidence;
  if (!evidence) return rendered.metrics;
  const rails = defaultAnalysisMetrics({
    intervalSeconds: rendered.intervalSeconds,
    maxErrorRate: evidence.maxErrorRate,
    maxLatencyP95Seconds: evidence.maxLatencyP95Seconds ?? Number.POSITIVE_INFINITY,
    minDataQuality: 0,
  }).filter(
    (check) =>
      check.name === "error-rate" ||
      (check.name === "latency-p95" && evidence.maxLatencyP95Seconds !== undefined),
  );
  const names = new Set(rendered.metrics.map((metric) => metric.name));
  return [...rails.filter((rail) => !names.has(rail.name)), ...rendered.metrics];
}
