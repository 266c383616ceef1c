/**
 * The canary statistics on known inputs: the confidence sequence itself, the evidence minimum,
 * and each check's verdict for the cases issue 14 names (a handful of clean records at 5 %
 * weight, a 30 %-failing canary, 2 % against a 1 % threshold, a canary worse than stable while
 * under the threshold, a slow canary).
 */
import { describe, expect, it } from "vitest";
import { logMixtureMartingale } from "../../src/controller/analysis/statistics/confidenceSequence.ts";
import {
  combine,
  compareErrorRate,
  confidenceBounds,
  DEFAULT_POLICY,
  errorRateGuard,
  evidenceMinimum,
  judgeCanary,
  promotionVerdict,
  recordsToClear,
  recordsToSeparate,
} from "../../src/controller/analysis/statistics/index.ts";
import { logBeta, logGamma } from "../../src/controller/analysis/statistics/special.ts";

/** The sandbox's dev traffic: 40 records/s through the gateway, 5 % of it on the canary. */
const STABLE_PER_SECOND = 38;
const CANARY_PER_SECOND = 2;

describe("beta-binomial confidence sequence", () => {
  it("computes ln Γ and ln B to 12 digits", () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(1e-3)).toBeCloseTo(6.907178885383853, 10);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });

  it("puts its bounds where the mixture martingale reaches 1/α, around the observed rate", () => {
    const x = { events: 12, trials: 400 };
    const { lower, upper } = confidenceBounds(x, 0.05);
    expect(lower).toBeLessThan(0.03);
    expect(upper).toBeGreaterThan(0.03);
    expect(logMixtureMartingale(x, lower)).toBeCloseTo(Math.log(20), 6);
    expect(logMixtureMartingale(x, upper)).toBeCloseTo(Math.log(20), 6);
    expect(confidenceBounds({ events: 0, trials: 0 }, 0.05)).toEqual({ lower: 0, upper: 1 });
    expect(confidenceBounds({ events: 0, trials: 12 }, 0.05).lower).toBe(0);
  });

  it("takes Prometheus' extrapolated counts: reals, failed slightly above processed, NaN", () => {
    expect(confidenceBounds({ events: 3.4, trials: 120.7 }, 0.05).upper).toBeGreaterThan(3.4 / 120.7);
    expect(confidenceBounds({ events: 10.2, trials: 10 }, 0.05).upper).toBe(1);
    expect(confidenceBounds({ events: Number.NaN, trials: Number.NaN }, 0.05)).toEqual({
      lower: 0,
      upper: 1,
    });
  });

  it("covers the true rate at every look at once in at least 1 − α of runs", () => {
    // 400 runs of a 1 % rate, looked at every 25 records up to 2,000: a fixed-sample 95 % interval
    // re-checked 80 times misses in far more than 5 % of runs; the sequence must not.
    let seed = 7;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) % 4294967296;
      return seed / 4294967296;
    };
    let misses = 0;
    for (let run = 0; run < 400; run++) {
      let failed = 0;
      for (let n = 1; n <= 2000; n++) {
        if (random() < 0.01) failed++;
        if (n % 25 !== 0) continue;
        const { lower, upper } = confidenceBounds({ events: failed, trials: n }, 0.05);
        if (lower > 0.01 || upper < 0.01) {
          misses++;
          break;
        }
      }
    }
    expect(misses).toBeLessThanOrEqual(20);
  });
});

describe("evidence minimum", () => {
  it("derives the records a canary needs from the threshold and the confidence", () => {
    expect(recordsToClear(0.01, 0.05)).toBe(445);
    expect(evidenceMinimum(DEFAULT_POLICY)).toEqual({ canary: 445, stable: 445 });
    expect(recordsToClear(0.01, 0.01)).toBe(621);
    // What it takes to tell a 2 % canary from a 1 % threshold, failing at exactly 2 %.
    expect(recordsToSeparate(0.02, 0.01, 0.05)).toBe(1313);
    expect(recordsToSeparate(0.05, 0.01, 0.05)).toBe(113);
    expect(recordsToSeparate(0.3, 0.01, 0.05)).toBe(9);
    expect(recordsToSeparate(0.01, 0.01, 0.05)).toBe(Number.POSITIVE_INFINITY);
    expect(evidenceMinimum({ ...DEFAULT_POLICY, minCanaryRecords: 100 })).toEqual({
      canary: 100,
      stable: 100,
    });
  });
});

describe("error-rate guard rail", () => {
  it("calls 0 failures in the records of one 5 %-weight scrape Inconclusive, not Successful", () => {
    const canary = { processed: 12, failed: 0 };
    const result = errorRateGuard(canary, DEFAULT_POLICY);
    expect(result.verdict).toBe("Inconclusive");
    expect(result.canary).toEqual({ failed: 0, total: 12, rate: 0 });
    expect(result.interval.upper).toBeGreaterThan(0.2);
    expect(result.reason).toContain("canary 0/12 failed (0%)");
    expect(result.reason).toContain("cannot tell yet against 1%");
  });

  it("fails a 30 %-failing canary on its tenth record, at the third failure", () => {
    expect(errorRateGuard({ processed: 9, failed: 2 }, DEFAULT_POLICY).verdict).toBe("Inconclusive");
    const failed = errorRateGuard({ processed: 10, failed: 3 }, DEFAULT_POLICY);
    expect(failed.verdict).toBe("Failed");
    expect(failed.interval.lower).toBeGreaterThan(0.01);
    expect(failed.reason).toBe("canary 3/10 failed (30%): error rate above 1%: [1.3%, 83%] at 95%");
    // A few hundred records: far past the threshold.
    expect(errorRateGuard({ processed: 300, failed: 90 }, DEFAULT_POLICY).interval.lower).toBeGreaterThan(
      0.15,
    );
  });

  it("fails 2 % against a 1 % threshold once the records can tell them apart, and not before", () => {
    expect(errorRateGuard({ processed: 1000, failed: 20 }, DEFAULT_POLICY).verdict).toBe("Inconclusive");
    expect(errorRateGuard({ processed: 1400, failed: 28 }, DEFAULT_POLICY).verdict).toBe("Failed");
    // Never Successful meanwhile: 2 % is not shown below 1 % at any count.
    for (const processed of [100, 445, 1000, 5000, 50000])
      expect(errorRateGuard({ processed, failed: processed * 0.02 }, DEFAULT_POLICY).verdict).not.toBe(
        "Successful",
      );
  });

  it("succeeds only with the evidence minimum behind it", () => {
    expect(errorRateGuard({ processed: 444, failed: 0 }, DEFAULT_POLICY).verdict).toBe("Inconclusive");
    const clean = errorRateGuard({ processed: 445, failed: 0 }, DEFAULT_POLICY);
    expect(clean.verdict).toBe("Successful");
    expect(clean.interval.upper).toBeLessThanOrEqual(0.01);
    // 0.5 % is shown below 1 % only with a few thousand records.
    expect(errorRateGuard({ processed: 1000, failed: 5 }, DEFAULT_POLICY).verdict).toBe("Inconclusive");
    expect(errorRateGuard({ processed: 4000, failed: 20 }, DEFAULT_POLICY).verdict).toBe("Successful");
  });
});

describe("comparison with the stable track", () => {
  const minutes = (m: number, canaryRate: number, stableRate: number) => ({
    canary: { processed: CANARY_PER_SECOND * 60 * m, failed: CANARY_PER_SECOND * 60 * m * canaryRate },
    stable: { processed: STABLE_PER_SECOND * 60 * m, failed: STABLE_PER_SECOND * 60 * m * stableRate },
  });

  it("fails a canary worse than stable by more than the margin while under the guard rail", () => {
    // 0.9 % against 0.05 %: 0.85 points worse, a margin of 0.5 points. An effect this close to the
    // margin takes records: 90 minutes at 5 % weight of the sandbox's 40 records/s.
    const { canary, stable } = minutes(90, 0.009, 0.0005);
    expect(errorRateGuard(canary, DEFAULT_POLICY).verdict).toBe("Inconclusive");
    const result = compareErrorRate(canary, stable, DEFAULT_POLICY);
    expect(result.verdict).toBe("Failed");
    expect(result.statistic).toBeCloseTo(0.0085, 6);
    expect(result.stable?.total).toBe(205200);
    expect(result.reason).toContain("canary − stable above 0.5%");
    expect(compareErrorRate(minutes(60, 0.009, 0.0005).canary, stable, DEFAULT_POLICY).verdict).toBe(
      "Successful",
    );
    // Ten times the effect is caught in minutes.
    const worse = minutes(5, 0.05, 0.0005);
    expect(compareErrorRate(worse.canary, worse.stable, DEFAULT_POLICY).verdict).toBe("Failed");
  });

  it("does not hold a canary that matches stable once both tracks have the evidence minimum", () => {
    const early = minutes(1, 0.004, 0.004);
    expect(compareErrorRate(early.canary, early.stable, DEFAULT_POLICY).verdict).toBe("Inconclusive");
    const later = minutes(5, 0.004, 0.004);
    const result = compareErrorRate(later.canary, later.stable, DEFAULT_POLICY);
    expect(result.verdict).toBe("Successful");
    expect(result.reason).toContain("not shown above 0.5%");
  });

  it("compares in the stable's own window: a bad stable track excuses nothing under the guard rail", () => {
    const { canary, stable } = minutes(10, 0.03, 0.03);
    expect(compareErrorRate(canary, stable, DEFAULT_POLICY).verdict).not.toBe("Failed");
    expect(judgeCanary({ canary, stable }).verdict).toBe("Failed");
  });

  it("guard rails prove, comparisons detect: a comparison short of stable records does not hold the verdict", () => {
    // A 100 % step: the stable track gets no more traffic, its window stays under the minimum.
    const canary = { processed: 1000, failed: 0 };
    const stable = { processed: 330, failed: 0 };
    const look = judgeCanary({ canary, stable });
    expect(look.checks.map((check) => `${check.check} ${check.verdict}`)).toEqual([
      "error-rate Successful",
      "error-rate-vs-stable Inconclusive",
    ]);
    expect(look.verdict).toBe("Successful");
    expect(combine(look.checks)).toBe("Inconclusive");
    // The guard rail still has to prove the canary: short of canary records, nothing is Successful.
    expect(judgeCanary({ canary: { processed: 300, failed: 0 }, stable }).verdict).toBe("Inconclusive");
    // A comparison that fails still aborts, whatever the guard rail says.
    expect(
      promotionVerdict([
        { check: "error-rate", verdict: "Successful" },
        { check: "error-rate-vs-stable", verdict: "Failed" },
      ]),
    ).toBe("Failed");
    expect(promotionVerdict([{ check: "error-rate-vs-stable", verdict: "Successful" }])).toBe("Inconclusive");
  });
});
