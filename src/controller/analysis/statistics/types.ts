/**
 * The shapes the statistics read and write. Inputs map one to one onto the answers of the
 * evidence queries in src/contract/analysisQueries.ts: two scalars per track (records processed,
 * records failed) and one vector per track (cumulative latency bucket counts, one sample per `le`).
 * Outputs are plain data a Measurement's message and value can be made from.
 */

/** One track's counts over the analysis window: `sum(increase(…[w]))` of the two counters. */
export interface TrackCounts {
  processed: number;
  failed: number;
}

/**
 * One sample of `sum by (le) (increase(agent_processing_latency_seconds_bucket{…}[w]))`: records
 * at or below `le` seconds. `le` as Prometheus labels it (`"0.5"`, `"+Inf"`) or already a number.
 */
export interface BucketCount {
  le: string | number;
  count: number;
}

/** A track's window: the counters, and the latency histogram when latency is analysed. */
export interface TrackSample extends TrackCounts {
  latency?: readonly BucketCount[];
}

/** The three outcomes of every check, the same as a Measurement's phase. */
export type CheckVerdict = "Successful" | "Failed" | "Inconclusive";

/** What a check counted on one track: records on the bad side (failed, or slow) of all records. */
export interface RateSummary {
  failed: number;
  total: number;
  /** failed / total, 0 with no records. */
  rate: number;
}

/** The anytime-valid interval a check decided on. */
export interface Interval {
  lower: number;
  upper: number;
}

export type CheckName = "error-rate" | "error-rate-vs-stable" | "latency" | "latency-vs-stable";

/** One check's verdict and everything needed to explain it. */
export interface CheckResult {
  check: CheckName;
  verdict: CheckVerdict;
  /**
   * The observed quantity held to `limit`: the canary's rate (guard rails), or the canary's rate
   * minus the stable's (comparisons). Larger is worse.
   */
  statistic: number;
  /** Anytime-valid interval for the same quantity: Failed when it lies above `limit`. */
  interval: Interval;
  /** 1 − α of the interval. */
  confidence: number;
  canary: RateSummary;
  stable?: RateSummary;
  /** The limit the rate or difference is held to: the threshold, or the margin. */
  limit: number;
  reason: string;
}

export function summarise(failed: number, total: number): RateSummary {
  return { failed, total, rate: total > 0 ? failed / total : 0 };
}
