/**
 * Cumulative latency buckets as `sum by (le) (increase(…_bucket[w]))` returns them, turned into
 * counts of slow records. No interpolation inside a bucket (unlike `histogram_quantile`): every
 * count is exact at a bucket boundary, so "records slower than T" is bracketed from below by the
 * first boundary at or above T and from above by the last boundary at or below T.
 */
import type { BucketCount } from "./types.ts";

export interface Histogram {
  /** Bucket upper bounds in seconds, ascending; the last is +Inf when the answer had it. */
  bounds: number[];
  /** Records at or below each bound, made non-decreasing (extrapolated increases can dip). */
  cumulative: number[];
  /** All records: the +Inf bucket (or the largest count). */
  total: number;
}

function parseLe(le: string | number): number {
  if (typeof le === "number") return le;
  const text = le.trim();
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  return Number(text);
}

export function parseBuckets(buckets: readonly BucketCount[]): Histogram {
  const sorted = buckets
    .map((bucket) => ({ le: parseLe(bucket.le), count: Number.isFinite(bucket.count) ? bucket.count : 0 }))
    .filter((bucket) => !Number.isNaN(bucket.le))
    .sort((a, b) => a.le - b.le);
  const bounds: number[] = [];
  const cumulative: number[] = [];
  let running = 0;
  for (const bucket of sorted) {
    running = Math.max(running, bucket.count, 0);
    bounds.push(bucket.le);
    cumulative.push(running);
  }
  return { bounds, cumulative, total: running };
}

/** Records above `bound` (which must be one of the histogram's bounds, or −∞ for all). */
function above(histogram: Histogram, index: number): number {
  return index < 0 ? histogram.total : histogram.total - (histogram.cumulative[index] ?? 0);
}

/** Slow records bracketing "slower than `seconds`": at least `atLeast`, at most `atMost`. */
export interface SlowCount {
  atLeast: number;
  atMost: number;
  /** The boundaries used: first at or above `seconds`, last at or below it (absent: none). */
  upperBoundary?: number;
  lowerBoundary?: number;
  total: number;
}

export function slowerThan(histogram: Histogram, seconds: number): SlowCount {
  const { bounds } = histogram;
  const upperIndex = bounds.findIndex((bound) => bound >= seconds);
  let lowerIndex = -1;
  bounds.forEach((bound, index) => {
    if (bound <= seconds) lowerIndex = index;
  });
  return {
    atLeast: upperIndex < 0 ? 0 : above(histogram, upperIndex),
    atMost: above(histogram, lowerIndex),
    ...(upperIndex < 0 ? {} : { upperBoundary: bounds[upperIndex] }),
    ...(lowerIndex < 0 ? {} : { lowerBoundary: bounds[lowerIndex] }),
    total: histogram.total,
  };
}

/** The first finite bucket boundary holding the `quantile`: the q-quantile, rounded up to a bucket. */
export function quantileBoundary(histogram: Histogram, quantile: number): number | undefined {
  if (histogram.total <= 0) return undefined;
  const index = histogram.cumulative.findIndex((count) => count >= quantile * histogram.total);
  const bound = index < 0 ? undefined : histogram.bounds[index];
  return bound !== undefined && Number.isFinite(bound) ? bound : undefined;
}
