/**
 * What the user decides about a release's statistics: the guard rails (the thresholds the stack
 * config already has), how much worse than stable the canary may be, and the confidence of every
 * verdict. Defaults are documented where they are set.
 */
import { DEFAULT_PRIOR, type MixingPrior } from "./confidenceSequence.ts";

export interface LatencyPolicy {
  /** The guard rail: the canary's `quantile` latency must stay at or below this. */
  maxSeconds: number;
  /** @default 0.95 (the p95 of `maxLatencyP95Seconds`) */
  quantile: number;
  /**
   * How much larger the canary's share of records slower than the stable's p95 may be than the
   * stable's own share (≈ 1 − quantile), in absolute terms. 0.05 lets the canary have up to ~10 %
   * of its records above the stable's p95, i.e. its p90 must not pass the stable's p95.
   * @default 0.05
   */
  margin: number;
}

export interface StatisticsPolicy {
  /**
   * Confidence 1 − α of every interval. Each check's false verdict over a whole release, at any
   * number of looks, is at most α (at the boundary of its hypothesis; far less inside it).
   * @default 0.95
   */
  confidence: number;
  /** Guard rail on the canary's failed / processed. @default 0.01 (the stack's `maxErrorRate`) */
  maxErrorRate: number;
  /**
   * How many percentage points (as a fraction) the canary's error rate may exceed the stable's
   * in the same window before it fails. Below the guard rail it catches a canary that is worse
   * than stable yet still under the threshold (0.1 % → 0.8 %).
   * @default 0.005
   */
  errorRateMargin: number;
  /** Absent: latency is not analysed. */
  latency?: LatencyPolicy;
  /**
   * Bad records (failed, or slow) a canary must show before any check fails it: no abort on one
   * or two records failing at a pod's start. A 30 %-failing canary reaches it by its 10th record.
   * @default 3
   */
  minFailures: number;
  /**
   * Canary records before any check may be Successful. Absent: the fewest records that can show
   * the error rate below `maxErrorRate` at `confidence` even with no failure at all
   * (`recordsToClear`, 445 for 1 % at 95 %): below that, "0 failed" is not evidence.
   */
  minCanaryRecords?: number;
  /** Stable records before a comparison may be Successful. Absent: as `minCanaryRecords`. */
  minStableRecords?: number;
  /** @default DEFAULT_PRIOR */
  prior: MixingPrior;
}

export const DEFAULT_LATENCY_QUANTILE = 0.95;
export const DEFAULT_LATENCY_MARGIN = 0.05;

export const DEFAULT_POLICY: StatisticsPolicy = {
  confidence: 0.95,
  maxErrorRate: 0.01,
  errorRateMargin: 0.005,
  minFailures: 3,
  prior: DEFAULT_PRIOR,
};

/** α of the policy's confidence. */
export function alphaOf(policy: Pick<StatisticsPolicy, "confidence">): number {
  const alpha = 1 - policy.confidence;
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${policy.confidence}`);
  return alpha;
}

/** A latency policy from the stack's `maxLatencyP95Seconds`, with the default quantile and margin. */
export function latencyPolicy(maxSeconds: number, overrides: Partial<LatencyPolicy> = {}): LatencyPolicy {
  return { maxSeconds, quantile: DEFAULT_LATENCY_QUANTILE, margin: DEFAULT_LATENCY_MARGIN, ...overrides };
}
