/**
 * The one decision rule every check shares: an anytime-valid interval for a "larger is worse"
 * quantity against its limit. Failed when the whole interval lies above the limit (and the canary
 * showed at least `minFailures` bad records). Successful needs the evidence minimum and, for a
 * guard rail (`prove`), the whole interval at or below the limit: the canary is shown good. A
 * comparison with stable (`detect`) is a regression detector, as in Netflix's sequential canary
 * tests: with the evidence minimum met and no regression shown it does not hold the release;
 * proving "no worse than stable within δ" as well would double the records a good release needs
 * when both tracks are near 0 %, and the guard rail already proves the canary good. Otherwise
 * Inconclusive: keep looking.
 */
import { confidenceBounds, type MixingPrior } from "./confidenceSequence.ts";
import type { CheckVerdict, Interval, RateSummary } from "./types.ts";

export type CheckMode = "prove" | "detect";

export function verdictOf(
  interval: Interval,
  limit: number,
  badRecords: number,
  enoughEvidence: boolean,
  minFailures: number,
  mode: CheckMode,
): CheckVerdict {
  if (interval.lower > limit && badRecords >= minFailures) return "Failed";
  if (enoughEvidence && (mode === "detect" || interval.upper <= limit)) return "Successful";
  return "Inconclusive";
}

/** The rate's interval at level alpha. */
export function rateInterval(rate: RateSummary, alpha: number, prior: MixingPrior): Interval {
  return confidenceBounds({ events: rate.failed, trials: rate.total }, alpha, prior);
}

/**
 * Interval for canary − stable at level alpha: each rate's interval at alpha / 2, so both hold
 * together with probability ≥ 1 − alpha (a union bound, at every look).
 */
export function differenceInterval(
  canary: RateSummary,
  stable: RateSummary,
  alpha: number,
  prior: MixingPrior,
): Interval {
  const c = rateInterval(canary, alpha / 2, prior);
  const s = rateInterval(stable, alpha / 2, prior);
  return { lower: c.lower - s.upper, upper: c.upper - s.lower };
}

export function percent(value: number): string {
  const scaled = value * 100;
  return `${Math.abs(scaled) >= 10 ? scaled.toFixed(0) : Number(scaled.toPrecision(2))}%`;
}

/** "3/120 failed (2.5%)". */
export function describeRate(rate: RateSummary, what: string): string {
  return `${Math.round(rate.failed)}/${Math.round(rate.total)} ${what} (${percent(rate.rate)})`;
}

/** Why a verdict came out as it did, in the words an Event or audit line needs. */
export function explain(
  verdict: CheckVerdict,
  interval: Interval,
  limit: number,
  confidence: number,
  evidenceReason: string,
): string {
  const range = `[${percent(interval.lower)}, ${percent(interval.upper)}] at ${percent(confidence)}`;
  if (verdict === "Failed") return `above ${percent(limit)}: ${range}`;
  if (verdict === "Successful" && interval.upper <= limit) return `at most ${percent(limit)}: ${range}`;
  if (verdict === "Successful") return `not shown above ${percent(limit)}: ${range}`;
  if (interval.lower > limit) return `above ${percent(limit)} (${range}) but too few bad records to fail yet`;
  if (interval.upper <= limit) return `within ${percent(limit)} (${range}); ${evidenceReason}`;
  return `cannot tell yet against ${percent(limit)}: ${range}`;
}
