/** The analysis benchmark's pure parts: known release records → known rows, and the strategy patches. */
import { describe, expect, it } from "vitest";
import { analysisWindowSeconds } from "../../bench/support/analysis.ts";
import {
  aggregateReleases,
  type RecordedRelease,
  type ReleaseResult,
  releaseResultOf,
  releaseStatsTable,
  summarizeStrategies,
} from "../../bench/support/releaseStats.ts";
import { analysisPatchFor, compressedSeconds } from "../../bench/support/strategies.ts";
import type { AnalysisSpec } from "../../src/crd/agentRollout.ts";
import type { RequestSample } from "../../src/sandbox/infra/load.ts";

const result = (overrides: Partial<ReleaseResult>): ReleaseResult => ({
  strategy: "ours",
  kind: "good",
  outcome: "promoted",
  settleMs: 10_000,
  canaryFailed: 0,
  canaryServed: 100,
  failedChecks: {},
  ...overrides,
});

describe("releaseResultOf", () => {
  const sample = (at: number, version: string, ok = true): RequestSample => ({
    index: at,
    at,
    latencyMs: 1,
    ok,
    version,
  });

  it("counts the canary's answers until traffic is back on stable, and times first traffic → settled", () => {
    const record: RecordedRelease = {
      step: { agent: "a", version: "2.0.0-bad5", expect: "aborted" },
      outcome: "aborted",
      firstTrafficAt: 1000,
      outcomeAt: 4000,
      abortedAt: 4500,
      report: {
        analyses: [
          { t: 2000, metric: "error-rate", phase: "Failed", value: 0.5 },
          { t: 2000, metric: "latency-p95", phase: "Successful", value: 0.1 },
          { t: 3000, metric: "error-rate", phase: "Failed", value: 0.6 },
        ],
      },
      samples: [
        sample(900, "1.0.0", false), // stable's failure: not the canary's
        sample(1100, "2.0.0-bad5"),
        sample(2000, "2.0.0-bad5", false),
        sample(4400, "2.0.0-bad5", false),
        sample(4600, "2.0.0-bad5", false), // after 100% on stable: in flight, not counted
      ],
    };
    expect(releaseResultOf(record, "argo", "bad5")).toEqual({
      strategy: "argo",
      kind: "bad5",
      outcome: "aborted",
      settleMs: 3500,
      canaryFailed: 2,
      canaryServed: 3,
      failedChecks: { "error-rate": 2 },
    });
  });

  it("settles a promotion at its outcome and leaves a timed-out release unsettled", () => {
    const base = {
      step: { agent: "a", version: "2.0.0", expect: "promoted" as const },
      firstTrafficAt: 1000,
      samples: [sample(1500, "2.0.0"), sample(9000, "2.0.0", false)],
      report: { analyses: [] },
    };
    expect(releaseResultOf({ ...base, outcome: "promoted", outcomeAt: 8000 }, "ours", "good")).toMatchObject({
      settleMs: 7000,
      canaryServed: 1,
      canaryFailed: 0,
    });
    expect(releaseResultOf({ ...base, outcome: "timed out" }, "ours", "good")).toMatchObject({
      settleMs: undefined,
      canaryServed: 2,
      canaryFailed: 1,
    });
  });
});

describe("aggregateReleases", () => {
  const results: ReleaseResult[] = [
    result({ strategy: "flagger-t1", outcome: "aborted", settleMs: 3000, canaryFailed: 1, canaryServed: 20 }),
    result({ settleMs: 10_000 }),
    result({ settleMs: 20_000, canaryFailed: 1 }),
    result({ outcome: "aborted", settleMs: 4000, canaryFailed: 1, canaryServed: 30 }),
    result({
      kind: "bad5",
      outcome: "aborted",
      settleMs: 6000,
      canaryFailed: 3,
      canaryServed: 40,
      failedChecks: { "error-rate": 2 },
    }),
    result({
      kind: "bad5",
      outcome: "promoted",
      settleMs: 18_000,
      canaryFailed: 9,
      canaryServed: 200,
      failedChecks: { "error-rate": 1, "latency-p95": 1 },
    }),
    result({ kind: "bad5", outcome: "timed out", settleMs: undefined, canaryFailed: 2, canaryServed: 10 }),
  ];

  it("gives median and max to 100%, the promotion median, canary failures and wrong outcomes per cell", () => {
    expect(aggregateReleases(results, ["ours", "flagger-t1"])).toEqual([
      {
        strategy: "ours",
        kind: "good",
        releases: 3,
        promoted: 2,
        aborted: 1,
        timedOut: 0,
        medianSettleMs: 10_000,
        maxSettleMs: 20_000,
        medianPromoteMs: 15_000,
        canaryFailed: 2,
        canaryServed: 230,
        wrong: 1,
        failedChecks: {},
      },
      {
        strategy: "ours",
        kind: "bad5",
        releases: 3,
        promoted: 1,
        aborted: 1,
        timedOut: 1,
        medianSettleMs: 12_000,
        maxSettleMs: 18_000,
        medianPromoteMs: 18_000,
        canaryFailed: 14,
        canaryServed: 250,
        wrong: 1,
        failedChecks: { "error-rate": 3, "latency-p95": 1 },
      },
      {
        strategy: "flagger-t1",
        kind: "good",
        releases: 1,
        promoted: 0,
        aborted: 1,
        timedOut: 0,
        medianSettleMs: 3000,
        maxSettleMs: 3000,
        medianPromoteMs: undefined,
        canaryFailed: 1,
        canaryServed: 20,
        wrong: 1,
        failedChecks: {},
      },
    ]);
  });

  it("orders strategies by first appearance without an order, and prints one line per row", () => {
    expect(aggregateReleases(results).map((row) => row.strategy)).toEqual(["flagger-t1", "ours", "ours"]);
    const lines = releaseStatsTable(aggregateReleases(results, ["ours"])).split("\n");
    expect(lines).toHaveLength(2 + 3);
    expect(lines[2]).toMatch(
      /^ours\s+good\s+3\s+2\s+1\s+0\s+10\.0 s\s+20\.0 s\s+15\.0 s\s+2 \/ 230\s+1\/3 false aborts\s+-$/,
    );
    expect(lines[3]).toMatch(/1\/3 promoted\s+error-rate 3, latency-p95 1$/);
  });

  it("sums false aborts over good releases and promotions over bad ones per strategy", () => {
    expect(summarizeStrategies(results, ["ours", "flagger-t1"])).toEqual([
      {
        strategy: "ours",
        goodReleases: 3,
        falseAborts: 1,
        badReleases: 3,
        badPromotions: 1,
        medianPromoteMs: 15_000,
        canaryFailedOnBad: 14,
        timedOut: 1,
      },
      {
        strategy: "flagger-t1",
        goodReleases: 1,
        falseAborts: 1,
        badReleases: 0,
        badPromotions: 0,
        medianPromoteMs: undefined,
        canaryFailedOnBad: 0,
        timedOut: 0,
      },
    ]);
  });
});

describe("analysisPatchFor", () => {
  const rendered = {
    intervalSeconds: 3,
    count: 2,
    failureLimit: 1,
    inconclusiveLimit: 3,
    noData: "inconclusive",
    metrics: [{ name: "data-quality", query: "q", condition: ">=", threshold: 0.95 }],
    // The evidence analysis: ours keeps it, the others drop it.
    evidence: {
      lookIntervalSeconds: 1,
      confidence: 0.95,
      maxErrorRate: 0.01,
      maxErrorRateOverStable: 0.005,
      maxSlowShareOverStable: 0.05,
    },
  } satisfies AnalysisSpec;

  it("keeps ours as rendered at the common interval and maps Flagger's threshold and Argo's failureLimit", () => {
    expect(analysisPatchFor("ours", rendered, 6)).toEqual({ ...rendered, intervalSeconds: 6 });
    const { evidence: _evidence, ...plain } = rendered;
    // The evidence's error-rate guard rail becomes a value check at the same threshold.
    const metrics = [
      expect.objectContaining({
        name: "error-rate",
        condition: "<=",
        threshold: 0.01,
      }),
      ...rendered.metrics,
    ];
    expect(analysisPatchFor("flagger-t1", rendered, 6)).toEqual({
      ...plain,
      metrics,
      evidence: null,
      intervalSeconds: 6,
      failureLimit: 0,
    });
    expect(analysisPatchFor("flagger-t5", rendered, 3)).toMatchObject({
      intervalSeconds: 3,
      failureLimit: 4,
    });
    expect(analysisPatchFor("argo", rendered, 6)).toEqual({
      ...plain,
      metrics,
      evidence: null,
      intervalSeconds: 6,
      failureLimit: 0,
    });
  });

  it("compresses an interval by the time scale with a one-second floor", () => {
    expect(compressedSeconds(60, 10)).toBe(6);
    expect(compressedSeconds(60, 1000)).toBe(1);
  });
});

describe("analysisWindowSeconds", () => {
  const metric = (query: string) => ({ name: "m", query, condition: "<=" as const, threshold: 1 });

  it("is the longest range selector of the queries", () => {
    expect(
      analysisWindowSeconds({
        metrics: [metric("sum(rate(a[60s])) / sum(rate(b[90s]))"), metric("min(q)"), metric("rate(c[2m])")],
      }),
    ).toBe(120);
    expect(analysisWindowSeconds({ metrics: [metric("min(q)")] })).toBe(0);
  });
});
