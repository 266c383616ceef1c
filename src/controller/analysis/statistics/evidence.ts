/**
 * Evidence before verdicts: how many records a track needs before a check may call it
 * Successful, derived from the confidence sequence itself rather than picked by hand.
 *
 * `recordsToClear(θ, α)` is the fewest records that can show a rate below θ at confidence 1 − α
 * even when none failed: with fewer, "0 failed" is still compatible with a rate above θ, so a
 * Successful would be a guess (the issue's `error-rate = 0` on a handful of records). For the
 * default 1 % at 95 % it is 445 records (the fixed-sample "rule of three" says 300; the extra is
 * the price of being allowed to look at every scrape). `recordsToSeparate(2 %, 1 %, α)` is how
 * many records a canary failing 2 % needs, failing at exactly that rate, before its lower bound
 * passes a 1 % threshold: 1,313 at 95 % (113 for 5 %, 9 for 30 %). Failures need no minimum
 * beyond `minFailures`: the interval only leaves the threshold behind when the failures are
 * already evidence.
 */
import { confidenceBounds, DEFAULT_PRIOR, type MixingPrior } from "./confidenceSequence.ts";
import { alphaOf, type StatisticsPolicy } from "./policy.ts";
import type { TrackCounts } from "./types.ts";

const MAX_RECORDS = 1e9;

/** Smallest integer n ≥ 1 with `holds(n)`, for a predicate that stays true once true. */
function smallest(holds: (n: number) => boolean): number {
  let high = 1;
  while (!holds(high)) {
    high *= 2;
    if (high > MAX_RECORDS) return Number.POSITIVE_INFINITY;
  }
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (holds(mid)) high = mid;
    else low = mid;
  }
  return high;
}

const cleared = new Map<string, number>();

/** Fewest records, none failed, whose upper bound is at or below `threshold` (memoised: it is a constant of the policy). */
export function recordsToClear(threshold: number, alpha: number, prior: MixingPrior = DEFAULT_PRIOR): number {
  const key = `${threshold}/${alpha}/${prior.a}/${prior.b}`;
  let records = cleared.get(key);
  if (records === undefined) {
    records = smallest((n) => confidenceBounds({ events: 0, trials: n }, alpha, prior).upper <= threshold);
    cleared.set(key, records);
  }
  return records;
}

/**
 * Fewest records at which a track failing exactly `rate` of them has its lower bound above
 * `threshold`: the typical time to a Failed verdict, in records, for a canary that bad.
 */
export function recordsToSeparate(
  rate: number,
  threshold: number,
  alpha: number,
  prior: MixingPrior = DEFAULT_PRIOR,
): number {
  if (rate <= threshold) return Number.POSITIVE_INFINITY;
  return smallest((n) => confidenceBounds({ events: rate * n, trials: n }, alpha, prior).lower > threshold);
}

/** Whether each track has counted enough records for a Successful verdict. */
export interface Evidence {
  canaryRecords: number;
  neededCanaryRecords: number;
  /** Absent when no stable counts were given (nothing to compare with, e.g. a blue-green preview). */
  stableRecords?: number;
  neededStableRecords: number;
  canaryEnough: boolean;
  stableEnough: boolean;
  reason: string;
}

/** The policy's minima, with `recordsToClear(maxErrorRate, α)` where the user set none. */
export function evidenceMinimum(policy: StatisticsPolicy): { canary: number; stable: number } {
  const canary =
    policy.minCanaryRecords ?? recordsToClear(policy.maxErrorRate, alphaOf(policy), policy.prior);
  return { canary, stable: policy.minStableRecords ?? canary };
}

export function evidenceOf(
  canary: TrackCounts,
  stable: TrackCounts | undefined,
  policy: StatisticsPolicy,
): Evidence {
  const needed = evidenceMinimum(policy);
  const canaryRecords = Math.max(0, canary.processed || 0);
  const stableRecords = stable ? Math.max(0, stable.processed || 0) : undefined;
  const canaryEnough = canaryRecords >= needed.canary;
  const stableEnough = stableRecords !== undefined && stableRecords >= needed.stable;
  const short = [
    canaryEnough ? "" : `canary ${Math.floor(canaryRecords)}/${needed.canary} records`,
    stableRecords === undefined || stableEnough
      ? ""
      : `stable ${Math.floor(stableRecords)}/${needed.stable} records`,
  ].filter(Boolean);
  return {
    canaryRecords,
    neededCanaryRecords: needed.canary,
    ...(stableRecords === undefined ? {} : { stableRecords }),
    neededStableRecords: needed.stable,
    canaryEnough,
    stableEnough,
    reason: short.length ? `not enough evidence yet: ${short.join(", ")}` : "enough records on every track",
  };
}
