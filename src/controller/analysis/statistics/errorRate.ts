/**
 * Error-rate checks of the canary: the absolute guard rail (failed / processed against
 * `maxErrorRate`) and the comparison with the stable track in the same window (canary − stable
 * against `errorRateMargin`). Both are read from anytime-valid confidence sequences, so they may
 * be evaluated at every scrape; "0 failed of 12" is Inconclusive, never Successful.
 */
import { normalise } from "./confidenceSequence.ts";
import { describeRate, differenceInterval, explain, rateInterval, verdictOf } from "./decide.ts";
import { type Evidence, evidenceOf } from "./evidence.ts";
import { alphaOf, type StatisticsPolicy } from "./policy.ts";
import { type CheckResult, type RateSummary, summarise, type TrackCounts } from "./types.ts";

export function failureRate(counts: TrackCounts): RateSummary {
  const { events, trials } = normalise({ events: counts.failed, trials: counts.processed });
  return summarise(events, trials);
}

/** The guard rail: Failed once the canary's rate is shown above `maxErrorRate`, Successful once shown at or below it. */
export function errorRateGuard(
  canary: TrackCounts,
  policy: StatisticsPolicy,
  evidence: Evidence = evidenceOf(canary, undefined, policy),
): CheckResult {
  const rate = failureRate(canary);
  const interval = rateInterval(rate, alphaOf(policy), policy.prior);
  const limit = policy.maxErrorRate;
  const verdict = verdictOf(interval, limit, rate.failed, evidence.canaryEnough, policy.minFailures, "prove");
  return {
    check: "error-rate",
    verdict,
    statistic: rate.rate,
    interval,
    confidence: policy.confidence,
    canary: rate,
    limit,
    reason: `canary ${describeRate(rate, "failed")}: error rate ${explain(verdict, interval, limit, policy.confidence, evidence.reason)}`,
  };
}

/** The comparison: Failed once the canary is shown worse than stable by more than `errorRateMargin`. */
export function compareErrorRate(
  canary: TrackCounts,
  stable: TrackCounts,
  policy: StatisticsPolicy,
  evidence: Evidence = evidenceOf(canary, stable, policy),
): CheckResult {
  const c = failureRate(canary);
  const s = failureRate(stable);
  const interval = differenceInterval(c, s, alphaOf(policy), policy.prior);
  const limit = policy.errorRateMargin;
  const enough = evidence.canaryEnough && evidence.stableEnough;
  const verdict = verdictOf(interval, limit, c.failed, enough, policy.minFailures, "detect");
  return {
    check: "error-rate-vs-stable",
    verdict,
    statistic: c.rate - s.rate,
    interval,
    confidence: policy.confidence,
    canary: c,
    stable: s,
    limit,
    reason: `canary ${describeRate(c, "failed")} vs stable ${describeRate(s, "failed")}: canary − stable ${explain(verdict, interval, limit, policy.confidence, evidence.reason)}`,
  };
}
