/**
 * One verdict from every check, meant to be taken at every scrape: Failed as soon as any check
 * fails (fail fast: each check's interval is valid at every look, so looking often costs no false
 * aborts), Successful once every guard rail is (each with the evidence minimum on the canary) and
 * no comparison with stable failed, otherwise Inconclusive (keep the weights, keep looking).
 * Guard rails prove, comparisons detect: a comparison still short of stable records (a 100 %
 * step, where stable gets no traffic) never holds a promotion, and never aborts.
 *
 * Checks run: the error-rate guard rail always; the comparison with stable when stable counts are
 * given; the latency guard rail and comparison when the policy has `latency` (a missing histogram
 * then makes its check Inconclusive: no data is never a success).
 */
import { compareErrorRate, errorRateGuard } from "./errorRate.ts";
import { type Evidence, evidenceOf } from "./evidence.ts";
import { compareLatency, latencyGuard } from "./latency.ts";
import { DEFAULT_POLICY, type LatencyPolicy, type StatisticsPolicy } from "./policy.ts";
import type { CheckName, CheckResult, CheckVerdict, TrackSample } from "./types.ts";
import { summarise } from "./types.ts";

/** Both tracks' windows, as the evidence queries answer them. No stable: comparisons are skipped. */
export interface AnalysisInput {
  canary: TrackSample;
  stable?: TrackSample;
}

export interface StatisticsVerdict {
  verdict: CheckVerdict;
  checks: CheckResult[];
  evidence: Evidence;
  reason: string;
}

function noHistogram(check: CheckName, latency: LatencyPolicy, policy: StatisticsPolicy): CheckResult {
  const empty = summarise(0, 0);
  return {
    check,
    verdict: "Inconclusive",
    statistic: 0,
    interval: { lower: check === "latency" ? 0 : -1, upper: 1 },
    confidence: policy.confidence,
    canary: empty,
    limit: check === "latency" ? 1 - latency.quantile : latency.margin,
    reason: "no latency buckets in the window",
  };
}

function latencyChecks(
  input: AnalysisInput,
  latency: LatencyPolicy,
  policy: StatisticsPolicy,
): CheckResult[] {
  const { canary, stable } = input;
  const guard = canary.latency
    ? latencyGuard(canary.latency, latency, policy)
    : noHistogram("latency", latency, policy);
  if (!stable) return [guard];
  const comparison =
    canary.latency && stable.latency
      ? compareLatency(canary.latency, stable.latency, latency, policy)
      : noHistogram("latency-vs-stable", latency, policy);
  return [guard, comparison];
}

export function runChecks(
  input: AnalysisInput,
  policy: StatisticsPolicy = DEFAULT_POLICY,
  evidence: Evidence = evidenceOf(input.canary, input.stable, policy),
): CheckResult[] {
  const checks = [errorRateGuard(input.canary, policy, evidence)];
  if (input.stable) checks.push(compareErrorRate(input.canary, input.stable, policy, evidence));
  if (policy.latency) checks.push(...latencyChecks(input, policy.latency, policy));
  return checks;
}

/** The checks that must be shown Successful (absolute thresholds); the others compare with stable. */
export const GUARD_RAILS: readonly CheckName[] = ["error-rate", "latency"];

export function isGuardRail(check: string): boolean {
  return (GUARD_RAILS as readonly string[]).includes(check);
}

/** Every check's own verdict: Failed if any is, Successful if all are, else Inconclusive. */
export function combine(checks: readonly { verdict: CheckVerdict }[]): CheckVerdict {
  if (checks.some((check) => check.verdict === "Failed")) return "Failed";
  if (checks.length > 0 && checks.every((check) => check.verdict === "Successful")) return "Successful";
  return "Inconclusive";
}

/**
 * The look's verdict, the one promotion waits for: Failed if any check is (guard rail or
 * comparison), Successful when every guard rail is (there must be one) and no comparison failed,
 * else Inconclusive. A comparison is a regression detector: Inconclusive for want of stable
 * records it neither holds nor aborts the release.
 */
export function promotionVerdict(checks: readonly { check: string; verdict: CheckVerdict }[]): CheckVerdict {
  if (checks.some((check) => check.verdict === "Failed")) return "Failed";
  const guards = checks.filter((check) => isGuardRail(check.check));
  return combine(guards);
}

/** The verdict of one look at the canary (and the stable track in the same window). */
export function judgeCanary(
  input: AnalysisInput,
  policy: StatisticsPolicy = DEFAULT_POLICY,
): StatisticsVerdict {
  const evidence = evidenceOf(input.canary, input.stable, policy);
  const checks = runChecks(input, policy, evidence);
  const verdict = promotionVerdict(checks);
  const deciding =
    verdict === "Failed"
      ? checks.filter((check) => check.verdict === "Failed")
      : verdict === "Successful"
        ? checks
        : checks.filter((check) => check.verdict !== "Successful" && isGuardRail(check.check));
  const reason = deciding.map((check) => `${check.check}: ${check.reason}`).join("; ");
  return { verdict, checks, evidence, reason };
}
