/**
 * Canary statistics: pure functions from the evidence queries' counts to verdicts that may be
 * taken at every scrape. See docs/canary-analysis.md for the test and why it survives repeated
 * looks.
 */
export {
  confidenceBounds,
  DEFAULT_PRIOR,
  type MixingPrior,
  type Proportion,
  type RateBounds,
} from "./confidenceSequence.ts";
export { compareErrorRate, errorRateGuard, failureRate } from "./errorRate.ts";
export {
  type Evidence,
  evidenceMinimum,
  evidenceOf,
  recordsToClear,
  recordsToSeparate,
} from "./evidence.ts";
export { type Histogram, parseBuckets, quantileBoundary, slowerThan } from "./histogram.ts";
export { compareLatency, latencyGuard } from "./latency.ts";
export {
  DEFAULT_POLICY,
  type LatencyPolicy,
  latencyPolicy,
  type StatisticsPolicy,
} from "./policy.ts";
export type {
  BucketCount,
  CheckName,
  CheckResult,
  CheckVerdict,
  Interval,
  RateSummary,
  TrackCounts,
  TrackSample,
} from "./types.ts";
export {
  type AnalysisInput,
  combine,
  GUARD_RAILS,
  isGuardRail,
  judgeCanary,
  promotionVerdict,
  runChecks,
  type StatisticsVerdict,
} from "./verdict.ts";
