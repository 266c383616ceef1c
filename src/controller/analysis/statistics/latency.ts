/**
 * Latency checks from histogram bucket counts, as proportions so they reuse the error-rate
 * machinery unchanged: "p95 ≤ T" is exactly "at most 5 % of records are slower than T", a rate of
 * slow records with a limit of 1 − quantile. The comparison asks the same of the stable's own
 * p95: the canary's share of records above the stable's p95 bucket may exceed the stable's share
 * (≈ 5 %) by at most `margin`. A quantile estimate has no usable sampling distribution under
 * repeated looks; a share of counts does, and bucket counts are exact where quantiles are
 * interpolated.
 */
import { describeRate, differenceInterval, explain, percent, rateInterval, verdictOf } from "./decide.ts";
import { evidenceOf } from "./evidence.ts";
import { type Histogram, parseBuckets, quantileBoundary, slowerThan } from "./histogram.ts";
import { alphaOf, type LatencyPolicy, type StatisticsPolicy } from "./policy.ts";
import { type BucketCount, type CheckResult, summarise } from "./types.ts";

const counts = (histogram: Histogram) => ({ processed: histogram.total, failed: 0 });

/** The guard rail: Failed once more than 1 − quantile of the canary's records are shown slower than `maxSeconds`. */
export function latencyGuard(
  canaryBuckets: readonly BucketCount[],
  latency: LatencyPolicy,
  policy: StatisticsPolicy,
): CheckResult {
  const histogram = parseBuckets(canaryBuckets);
  const slow = slowerThan(histogram, latency.maxSeconds);
  const alpha = alphaOf(policy);
  const atLeast = summarise(slow.atLeast, slow.total);
  const atMost = summarise(slow.atMost, slow.total);
  const interval = {
    lower: rateInterval(atLeast, alpha, policy.prior).lower,
    upper: rateInterval(atMost, alpha, policy.prior).upper,
  };
  const limit = 1 - latency.quantile;
  const evidence = evidenceOf(counts(histogram), undefined, policy);
  const verdict = verdictOf(
    interval,
    limit,
    slow.atLeast,
    evidence.canaryEnough,
    policy.minFailures,
    "prove",
  );
  const boundary = slow.upperBoundary ?? slow.lowerBoundary;
  return {
    check: "latency",
    verdict,
    statistic: atLeast.rate,
    interval,
    confidence: policy.confidence,
    canary: atLeast,
    limit,
    reason: `canary ${describeRate(atLeast, `slower than ${boundary ?? "?"}s`)}: share above the p${percent(latency.quantile).replace("%", "")} limit ${latency.maxSeconds}s ${explain(verdict, interval, limit, policy.confidence, evidence.reason)}`,
  };
}

/** The comparison: Failed once the canary's share of records above the stable's p95 bucket is shown larger than the stable's by more than `margin`. */
export function compareLatency(
  canaryBuckets: readonly BucketCount[],
  stableBuckets: readonly BucketCount[],
  latency: LatencyPolicy,
  policy: StatisticsPolicy,
): CheckResult {
  const canary = parseBuckets(canaryBuckets);
  const stable = parseBuckets(stableBuckets);
  const boundary = quantileBoundary(stable, latency.quantile);
  const c = slowerThan(canary, boundary ?? Number.POSITIVE_INFINITY);
  const s = slowerThan(stable, boundary ?? Number.POSITIVE_INFINITY);
  const alpha = alphaOf(policy);
  const cLow = summarise(c.atLeast, c.total);
  const sLow = summarise(s.atLeast, s.total);
  const interval = {
    lower: differenceInterval(cLow, summarise(s.atMost, s.total), alpha, policy.prior).lower,
    upper: differenceInterval(summarise(c.atMost, c.total), sLow, alpha, policy.prior).upper,
  };
  const limit = latency.margin;
  const evidence = evidenceOf(counts(canary), counts(stable), policy);
  const enough = boundary !== undefined && evidence.canaryEnough && evidence.stableEnough;
  const verdict =
    boundary === undefined
      ? "Inconclusive"
      : verdictOf(interval, limit, c.atLeast, enough, policy.minFailures, "detect");
  const why =
    boundary === undefined
      ? "no finite stable p95 bucket to compare at (no stable records, or its p95 is beyond the last bucket)"
      : explain(verdict, interval, limit, policy.confidence, evidence.reason);
  return {
    check: "latency-vs-stable",
    verdict,
    statistic: cLow.rate - sLow.rate,
    interval,
    confidence: policy.confidence,
    canary: cLow,
    stable: sLow,
    limit,
    reason: `above the stable's p${percent(latency.quantile).replace("%", "")} bucket (${boundary ?? "?"}s): canary ${describeRate(cLow, "slower")} vs stable ${describeRate(sLow, "slower")}: canary − stable ${why}`,
  };
}
