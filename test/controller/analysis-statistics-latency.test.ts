/**
 * Latency checks from histogram bucket counts (the `latencyBuckets` evidence query's answer) and
 * the combined verdict of one look: a slow canary fails on its share of slow records, against the
 * p95 limit and against the stable's own p95; too few records is Inconclusive whatever they say.
 */
import { describe, expect, it } from "vitest";
import {
  type BucketCount,
  compareLatency,
  DEFAULT_POLICY,
  judgeCanary,
  latencyGuard,
  latencyPolicy,
  parseBuckets,
  quantileBoundary,
  type StatisticsPolicy,
} from "../../src/controller/analysis/statistics/index.ts";

/** Cumulative counts per `le`, labelled as Prometheus labels them. */
const buckets = (counts: Record<string, number>): BucketCount[] =>
  Object.entries(counts).map(([le, count]) => ({ le, count }));

const latency = latencyPolicy(1);
const policy: StatisticsPolicy = { ...DEFAULT_POLICY, latency };

describe("latency histogram", () => {
  it("reads Prometheus' le labels, repairs extrapolation dips and finds the p95 bucket", () => {
    const histogram = parseBuckets(buckets({ "+Inf": 1000.4, "0.5": 950, "0.1": 900.2, "1": 949.8 }));
    expect(histogram.bounds).toEqual([0.1, 0.5, 1, Number.POSITIVE_INFINITY]);
    expect(histogram.cumulative).toEqual([900.2, 950, 950, 1000.4]);
    expect(quantileBoundary(histogram, 0.95)).toBeUndefined(); // 950 < 0.95 × 1000.4: beyond 1 s
    expect(quantileBoundary(parseBuckets(buckets({ "0.1": 900, "0.5": 960, "+Inf": 1000 })), 0.95)).toBe(0.5);
    expect(quantileBoundary(parseBuckets([]), 0.95)).toBeUndefined();
  });
});

describe("latency guard rail (p95 ≤ maxSeconds ⇔ at most 5 % of records slower)", () => {
  it("fails a canary with a fifth of its records over the limit", () => {
    const result = latencyGuard(
      buckets({ "0.1": 1000, "0.5": 1500, "1": 1600, "+Inf": 2000 }),
      latency,
      policy,
    );
    expect(result.verdict).toBe("Failed");
    expect(result.canary).toEqual({ failed: 400, total: 2000, rate: 0.2 });
    expect(result.limit).toBeCloseTo(0.05, 12);
    expect(result.reason).toContain("400/2000 slower than 1s (20%)");
  });

  it("passes a fast canary with enough records, and holds judgement on a handful", () => {
    expect(latencyGuard(buckets({ "0.1": 1900, "1": 1980, "+Inf": 2000 }), latency, policy).verdict).toBe(
      "Successful",
    );
    expect(latencyGuard(buckets({ "0.1": 50, "1": 50, "+Inf": 50 }), latency, policy).verdict).toBe(
      "Inconclusive",
    );
  });

  it("brackets a limit between bucket boundaries: fails on the next boundary up, passes on the one below", () => {
    const at075 = latencyPolicy(0.75);
    const slow = latencyGuard(buckets({ "0.5": 1500, "1": 1600, "+Inf": 2000 }), at075, policy);
    expect(slow.verdict).toBe("Failed");
    expect(slow.reason).toContain("slower than 1s");
    const fast = latencyGuard(buckets({ "0.5": 1990, "1": 2000, "+Inf": 2000 }), at075, policy);
    expect(fast.verdict).toBe("Successful");
    // Everything between 0.5 s and 1 s: cannot tell which side of 0.75 s, never Successful.
    const between = latencyGuard(buckets({ "0.5": 0, "1": 2000, "+Inf": 2000 }), at075, policy);
    expect(between.verdict).toBe("Inconclusive");
  });
});

describe("latency against the stable track", () => {
  const stable = buckets({ "0.1": 15000, "0.5": 19200, "1": 19900, "+Inf": 20000 });

  it("fails a canary whose share above the stable's p95 bucket is larger by more than the margin", () => {
    const canary = buckets({ "0.1": 800, "0.5": 1600, "1": 1960, "+Inf": 2000 });
    expect(latencyGuard(canary, latency, policy).verdict).toBe("Successful");
    const result = compareLatency(canary, stable, latency, policy);
    expect(result.verdict).toBe("Failed");
    expect(result.canary.rate).toBeCloseTo(0.2, 12);
    expect(result.stable?.rate).toBeCloseTo(0.04, 12);
    expect(result.reason).toMatch(/^above the stable's p95 bucket \(0\.5s\)/);
    expect(
      judgeCanary(
        {
          canary: { processed: 2000, failed: 0, latency: canary },
          stable: { processed: 20000, failed: 0, latency: stable },
        },
        policy,
      ).verdict,
    ).toBe("Failed");
  });

  it("does not hold a canary as fast as stable", () => {
    const canary = buckets({ "0.1": 1500, "0.5": 1930, "1": 1990, "+Inf": 2000 });
    expect(compareLatency(canary, stable, latency, policy).verdict).toBe("Successful");
  });

  it("is Inconclusive without a finite stable p95 bucket", () => {
    const result = compareLatency(
      buckets({ "0.1": 2000, "+Inf": 2000 }),
      buckets({ "+Inf": 100 }),
      latency,
      policy,
    );
    expect(result.verdict).toBe("Inconclusive");
    expect(result.reason).toContain("no finite stable p95 bucket");
  });
});

describe("one look's verdict", () => {
  it("is Inconclusive on the issue's case: 0 failed in a scrape's worth of records at 5 % weight", () => {
    const look = judgeCanary({ canary: { processed: 12, failed: 0 }, stable: { processed: 228, failed: 1 } });
    expect(look.verdict).toBe("Inconclusive");
    expect(look.evidence.canaryEnough).toBe(false);
    expect(look.reason).toContain("canary 0/12 failed");
    expect(look.checks.map((check) => [check.check, check.verdict])).toEqual([
      ["error-rate", "Inconclusive"],
      ["error-rate-vs-stable", "Inconclusive"],
    ]);
  });

  it("fails fast on any failed check, before the evidence minimum", () => {
    const look = judgeCanary({ canary: { processed: 20, failed: 6 }, stable: { processed: 380, failed: 2 } });
    expect(look.verdict).toBe("Failed");
    expect(look.evidence.canaryEnough).toBe(false);
    expect(look.reason).toMatch(/^error-rate: canary 6\/20 failed \(30%\)/);
  });

  it("is Successful only when every check is, latency included when the policy asks for it", () => {
    const fast = buckets({ "0.1": 900, "0.5": 990, "1": 1000, "+Inf": 1000 });
    const stable = {
      processed: 19000,
      failed: 19,
      latency: buckets({ "0.1": 17000, "0.5": 18900, "+Inf": 19000 }),
    };
    const canary = { processed: 1000, failed: 0, latency: fast };
    expect(judgeCanary({ canary, stable }, policy).verdict).toBe("Successful");
    expect(judgeCanary({ canary: { processed: 1000, failed: 0 }, stable }, policy).verdict).toBe(
      "Inconclusive",
    );
    // No stable track to compare with (e.g. a blue-green preview): the guard rails alone decide.
    const alone = judgeCanary({ canary }, policy);
    expect(alone.checks.map((check) => check.check)).toEqual(["error-rate", "latency"]);
    expect(alone.verdict).toBe("Successful");
  });
});
