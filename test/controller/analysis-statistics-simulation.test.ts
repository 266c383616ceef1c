/**
 * Repeated looks, simulated: releases judged at every look the way the controller will judge
 * them, with binomial noise from a fixed-seed PRNG (deterministic, no wall clock). Traffic is the
 * sandbox's dev traffic: 40 records/s through the gateway, 5 % of it on the canary, one look per
 * 30 s scrape (dev `analysis.interval`), so 60 canary and 1,140 stable records per look and 60
 * looks (30 minutes) per release. Counts are cumulative from the release start, as the evidence
 * queries' window requires.
 */
import { describe, expect, it } from "vitest";
import { judgeCanary } from "../../src/controller/analysis/statistics/index.ts";

const RELEASES = 200;
const LOOKS = 60;
const CANARY_PER_LOOK = 60;
const STABLE_PER_LOOK = 1140;

/** mulberry32: a tiny, well-mixed 32-bit PRNG, so every run draws the same noise. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) draw by geometric gaps between failures: exact, and fast for small p. */
function binomial(random: () => number, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  const logMiss = Math.log1p(-p);
  let failures = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logMiss) + 1;
    if (position > n) return failures;
    failures++;
  }
}

interface Outcome {
  /** Releases with a Failed look (a good release: a false abort). */
  failed: number;
  /** Releases with a Successful look before any Failed one (a bad release: a false promotion). */
  promoted: number;
  /** Per release, the first look that was Failed / Successful (absent: none). */
  firstFailed: number[];
  firstSuccessful: number[];
}

function simulate(canaryRate: number, stableRate: number, seed: number): Outcome {
  const random = prng(seed);
  const outcome: Outcome = { failed: 0, promoted: 0, firstFailed: [], firstSuccessful: [] };
  for (let release = 0; release < RELEASES; release++) {
    const canary = { processed: 0, failed: 0 };
    const stable = { processed: 0, failed: 0 };
    let failedAt: number | undefined;
    let successfulAt: number | undefined;
    for (let look = 1; look <= LOOKS && failedAt === undefined; look++) {
      canary.processed += CANARY_PER_LOOK;
      canary.failed += binomial(random, CANARY_PER_LOOK, canaryRate);
      stable.processed += STABLE_PER_LOOK;
      stable.failed += binomial(random, STABLE_PER_LOOK, stableRate);
      const { verdict } = judgeCanary({ canary, stable });
      if (verdict === "Failed") failedAt = look;
      if (verdict === "Successful" && successfulAt === undefined) successfulAt = look;
    }
    if (failedAt !== undefined) {
      outcome.failed++;
      outcome.firstFailed.push(failedAt);
    }
    if (successfulAt !== undefined) {
      outcome.promoted++;
      outcome.firstSuccessful.push(successfulAt);
    }
  }
  return outcome;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe(`${RELEASES} simulated releases × ${LOOKS} looks at 5 % of the sandbox's traffic`, () => {
  it.each([
    [0, 1],
    [0.002, 2],
    [0.005, 3],
    [0.008, 4],
  ])("never aborts a good canary failing as often as stable (%f)", (rate, seed) => {
    const outcome = simulate(rate, rate, seed);
    expect(outcome.failed).toBe(0);
  });

  it("where a fixed-sample one-sided z-test re-run at every look aborts a sixth of them", () => {
    // The anchor this replaces: a per-look test at 95 % against the 1 % threshold, on a 0.8 % canary.
    const random = prng(4);
    let aborted = 0;
    for (let release = 0; release < RELEASES; release++) {
      let records = 0;
      let failed = 0;
      for (let look = 1; look <= LOOKS; look++) {
        records += CANARY_PER_LOOK;
        failed += binomial(random, CANARY_PER_LOOK, 0.008);
        if ((failed / records - 0.01) / Math.sqrt((0.01 * 0.99) / records) > 1.645) {
          aborted++;
          break;
        }
      }
    }
    expect(aborted).toBeGreaterThan(0.1 * RELEASES);
  });

  it("promotes a clean canary as soon as the evidence minimum is in: 445 records, the 8th look", () => {
    const outcome = simulate(0, 0, 5);
    expect(outcome.promoted).toBe(RELEASES);
    expect(new Set(outcome.firstSuccessful)).toEqual(new Set([8]));
  });

  it("promotes a canary at 0.2 % (stable's rate) in nearly every release, by the evidence it takes", () => {
    const outcome = simulate(0.002, 0.002, 6);
    expect(outcome.promoted).toBeGreaterThanOrEqual(0.95 * RELEASES);
    expect(median(outcome.firstSuccessful)).toBeLessThanOrEqual(15);
  });

  it("never promotes a 2 % canary against the 1 % threshold, and aborts nearly all within 30 minutes", () => {
    const outcome = simulate(0.02, 0.005, 7);
    expect(outcome.promoted).toBe(0);
    expect(outcome.failed).toBeGreaterThanOrEqual(0.95 * RELEASES);
    expect(median(outcome.firstFailed)).toBeLessThanOrEqual(20);
  });

  it("aborts a 5 % canary within 6 looks (mostly 2) and a 30 % canary at the first look, every time", () => {
    const five = simulate(0.05, 0.005, 8);
    expect(five.promoted).toBe(0);
    expect(five.failed).toBe(RELEASES);
    expect(Math.max(...five.firstFailed)).toBeLessThanOrEqual(6);
    expect(median(five.firstFailed)).toBe(2);
    const thirty = simulate(0.3, 0.005, 9);
    expect(thirty.failed).toBe(RELEASES);
    expect(new Set(thirty.firstFailed)).toEqual(new Set([1]));
  });
});
