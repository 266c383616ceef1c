/**
 * One reconcile at a time for the evidence analysis (analysis.evidence): looks at the scrape
 * cadence (30 s), fail fast, promote patiently. Traffic as in the sandbox: 40 records/s through
 * the gateway, so 2 records/s on a 5 % canary and 38 on stable.
 */
import { describe, expect, it, vi } from "vitest";
import { defaultAnalysisMetrics } from "../../../src/contract/analysisQueries.ts";
import type {
  AgentRolloutStatus,
  AnalysisSpec,
  CanaryStepSpec,
  EvidenceSpec,
} from "../../../src/crd/agentRollout.ts";
import { FAST_LATENCY, type TrackTraffic } from "../support/fakePrometheus.ts";
import {
  at,
  decided,
  type FixtureOptions,
  fixedWallClock,
  type Pass,
  ReconcileFixture,
  rev,
  T0,
} from "./support/fixture.ts";

fixedWallClock();

const R1 = rev("1.0.0");
const R2 = rev("1.1.0");

const EVIDENCE: EvidenceSpec = {
  lookIntervalSeconds: 30,
  confidence: 0.95,
  maxErrorRate: 0.01,
  maxErrorRateOverStable: 0.005,
  maxLatencyP95Seconds: 1,
  maxSlowShareOverStable: 0.05,
};

/** What the stack renders with evidence: the data-quality gauge stays a value check. */
const ANALYSIS: Partial<AnalysisSpec> = {
  intervalSeconds: 60,
  count: 1,
  failureLimit: 0,
  inconclusiveLimit: 2,
  metrics: defaultAnalysisMetrics({
    intervalSeconds: 60,
    maxErrorRate: 0.01,
    maxLatencyP95Seconds: 1,
    minDataQuality: 0.95,
  }).filter((metric) => metric.name === "data-quality"),
  evidence: EVIDENCE,
};

const STEPS: CanaryStepSpec[] = [
  { setWeight: 5, pause: { durationSeconds: 120 } },
  { setWeight: 25, pause: { durationSeconds: 60 } },
  { setWeight: 50, pause: { durationSeconds: 60 } },
  { setWeight: 100 },
];

/** Records since the analysis started; the window's lookback before it (one look) has none. */
const traffic = (recordsPerSecond: number, failureRate: number): TrackTraffic => ({
  recordsPerSecond,
  failureRate,
  latency: FAST_LATENCY,
  idleSeconds: EVIDENCE.lookIntervalSeconds,
});

/** 1.1.0 canary on green over 1.0.0 on blue at `step`, its traffic (and the release's evidence window) in place since T0. */
function canaryAt(step: number, extra: Partial<FixtureOptions> = {}): FixtureOptions {
  const weight = (extra.steps ?? STEPS)[step]?.setWeight ?? 5;
  return {
    minReplicas: 4,
    version: "1.1.0",
    steps: STEPS,
    analysis: ANALYSIS,
    status: {
      activeTrack: "blue",
      stableRevision: R1,
      canaryRevision: R2,
      currentStepIndex: step,
      stepStartedAt: at(0),
      analysisStartedAt: at(0),
      analysis: { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] },
    },
    tracks: {
      blue: { version: "1.0.0", replicas: 4 },
      green: { version: "1.1.0", replicas: Math.ceil((4 * weight) / 100) },
    },
    weights: { blue: 100 - weight, green: weight },
    ...extra,
  };
}

/** Reconciles every 30 s (the look cadence) until `stop` says so or `limit` passes; the canary's pods always ready. */
async function every30s(
  fixture: ReconcileFixture,
  limit: number,
  stop: (pass: Pass) => boolean,
): Promise<{ pass: Pass; seconds: number; passes: Pass[] }> {
  const passes: Pass[] = [];
  for (let seconds = 30; seconds <= limit; seconds += 30) {
    fixture.clock.advance(30);
    const pass = await fixture.reconcile();
    passes.push(pass);
    if (fixture.deployment("green")) fixture.ready("green");
    if (stop(pass)) return { pass, seconds, passes };
  }
  throw new Error(`not done within ${limit}s`);
}

const metricPhases = (pass: Pass) =>
  (pass.status.analysis?.lastMeasurements ?? []).map(
    (m) => `${m.metric} ${m.phase}${m.inconclusiveReason ? ` (${m.inconclusiveReason})` : ""}`,
  );

describe("evidence looks at the scrape cadence", () => {
  it("a 30 % canary at 5 % is aborted at the first look (30 s, 60 records), before the analysis interval is over", async () => {
    const fixture = new ReconcileFixture(canaryAt(0));
    fixture.provider.setTraffic("green", traffic(2, 0.3));
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    fixture.clock.advance(29);
    const early = await fixture.reconcile();
    expect(early.result.requeueAfterMs).toBe(1000);
    expect(fixture.provider.queries).toEqual([]);
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(decided(pass)[0]).toMatch(
      /^abort: analysis failed: error-rate = 0\.3000 \(must be <= 0\.01\): canary 18\/60 failed \(30%\)/,
    );
    expect(pass.status.abortedRevision).toBe(R2);
    expect(pass.status.weights).toEqual({ blue: 100, green: 0 });
    const failed = pass.status.analysis?.lastMeasurements.find((m) => m.metric === "error-rate");
    expect(failed).toMatchObject({
      phase: "Failed",
      samples: { canary: 60 },
      canaryValue: 0.3,
      confidence: 0.95,
      limit: 0.01,
    });
    const comparison = pass.status.analysis?.lastMeasurements.find(
      (m) => m.metric === "error-rate-vs-stable",
    );
    expect(comparison).toMatchObject({
      phase: "Failed",
      samples: { canary: 60, stable: 1140 },
      stableValue: 0.001,
    });
    expect(comparison?.interval?.lower).toBeGreaterThan(0.005);
    // The audit line and the Event carry the samples, both tracks' rates and the interval.
    expect(
      pass.decisions[0]?.measurements?.find((m) => m.metric === "error-rate-vs-stable")?.samples,
    ).toEqual({
      canary: 60,
      stable: 1140,
    });
    const event = pass.events.find((e) => e.reason === "RolloutAborted")?.message ?? "";
    expect(event).toMatch(/canary 18\/60 failed \(30%\) vs stable 1\/1140 failed \(0\.1%\)/);
    expect(event).toMatch(/at 95%/);
    // Only the canary's and the stable's counts, with the same window from the release's start
    // (30 s) plus one look interval back, for the counters' sample from before it.
    const evidence = fixture.provider.queries.filter((q) => q.includes("increase("));
    expect(evidence).toHaveLength(6);
    expect(evidence.every((q) => q.includes("[60s]"))).toBe(true);
    expect(evidence.filter((q) => q.includes('track="blue"'))).toHaveLength(3);
  });

  it("a small sample is Inconclusive: no abort, no promotion, not counted against inconclusiveLimit", async () => {
    // The last step (100 %): 0.1 records/s, 20 looks over 10 minutes.
    const fixture = new ReconcileFixture(canaryAt(3));
    fixture.provider.setTraffic("green", traffic(0.1, 0));
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    const seen: Pass[] = [];
    await every30s(fixture, 600, (pass) => {
      seen.push(pass);
      return seen.length === 20;
    });
    const last = seen.at(-1) as Pass;
    expect(last.status.canaryRevision).toBe(R2);
    expect(last.status.pause).toBeUndefined();
    expect(last.status.analysis).toMatchObject({ verdict: "Inconclusive", inconclusives: 0, successes: 10 });
    expect(metricPhases(last)).toEqual([
      "error-rate Inconclusive (NotEnoughEvidence)",
      "error-rate-vs-stable Inconclusive (NotEnoughEvidence)",
      "latency Inconclusive (NotEnoughEvidence)",
      "latency-vs-stable Inconclusive (NotEnoughEvidence)",
      "data-quality Successful",
    ]);
    expect(last.status.message).toMatch(
      /evidence Inconclusive: .*canary 60\/445 records.*not counted against inconclusiveLimit/,
    );
    expect(seen.flatMap(decided).filter((d) => /^(abort|promote|pause)/.test(d))).toEqual([]);
  });

  it("a good canary advances after each pause and is promoted only once its evidence is Successful", async () => {
    const fixture = new ReconcileFixture(canaryAt(0));
    fixture.provider.setTraffic("green", traffic(2, 0));
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    const seen: Pass[] = [];
    const { seconds } = await every30s(fixture, 1200, (pass) => {
      seen.push(pass);
      return pass.decisions.some((d) => d.decision === "promote");
    });
    const when = (pattern: RegExp) =>
      seen.findIndex((pass) => decided(pass).some((d) => pattern.test(d))) * 30 + 30;
    expect(when(/^advance: step 2\/4/)).toBe(120);
    expect(when(/^advance: step 3\/4/)).toBe(180);
    // 50 % needs a second canary pod: its clock starts a pass later (210 s), so its pause ends at 270 s.
    expect(when(/^advance: step 4\/4/)).toBe(270);
    // Intermediate steps advanced on Inconclusive evidence (still gathering, never Failed); the
    // evidence turns Successful at the 8th look (240 s, 480 canary records: 445 are needed).
    expect(seen.map((pass) => pass.status.analysis?.verdict?.[0] ?? "-").join("")).toBe(
      "IIIIIIISSSSS".slice(0, seen.length),
    );
    expect(seen[3]?.decisions[0]?.reason).toMatch(
      /evidence Inconclusive: not enough evidence yet: canary 240\/445 records/,
    );
    // The 100 % step is in place at 300 s; its first look (330 s) promotes: the evidence is
    // Successful and the gauges hold, so no tick of the step has to pass first.
    expect(seconds).toBe(330);
    const promote = seen.at(-1)?.decisions.find((d) => d.decision === "promote");
    expect(promote?.reason).toMatch(
      /evidence Successful: error-rate: canary 0\/\d+ failed \(0%\): error rate at most 1%/,
    );
    expect(promote?.measurements?.map((m) => `${m.metric} ${m.phase}`)).toEqual([
      "error-rate Successful",
      "error-rate-vs-stable Successful",
      "latency Successful",
      "latency-vs-stable Successful",
      "data-quality Successful",
    ]);
  });

  it("waits at the last step while the evidence is not Successful, however many ticks pass", async () => {
    const fixture = new ReconcileFixture(canaryAt(3));
    fixture.provider.setTraffic("green", traffic(1, 0));
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    const seen: Pass[] = [];
    await every30s(fixture, 1200, (pass) => {
      seen.push(pass);
      return pass.decisions.some((d) => d.decision === "promote");
    });
    // 445 records at 1/s: the 450 s look is the first Successful one, and it promotes.
    expect(seen.length * 30).toBe(450);
    expect(seen.at(-2)?.status.analysis?.successes).toBeGreaterThanOrEqual(1);
    expect(seen.at(-2)?.status.message).toMatch(/evidence Inconclusive: .*canary 420\/445 records/);
  });

  it("Successful evidence does not promote while a gauge fails at the last look; the next tick aborts", async () => {
    const fixture = new ReconcileFixture(canaryAt(3));
    fixture.provider.setTraffic("green", traffic(40, 0));
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    fixture.provider.setTrack("green", { errorRate: 0, latencyP95: 0.1, dataQuality: 0.5 });
    fixture.clock.advance(30);
    const look = await fixture.reconcile();
    expect(look.status.analysis?.verdict).toBe("Successful");
    expect(metricPhases(look)).toContain("data-quality Failed");
    expect(look.decisions.map((d) => d.decision)).not.toContain("promote");
    fixture.clock.advance(30);
    const tick = await fixture.reconcile();
    expect(decided(tick)[0]).toMatch(/^abort: analysis failed: .*data-quality/);
  });

  it("at 100 % the stable track has no traffic: Successful guard rails promote, the short comparison does not hold it", async () => {
    const fixture = new ReconcileFixture(canaryAt(3));
    fixture.provider.setTraffic("green", traffic(4, 0));
    fixture.provider.setTraffic("blue", traffic(0, 0));
    const { pass, seconds } = await every30s(fixture, 1200, (p) =>
      p.decisions.some((d) => d.decision === "promote"),
    );
    // 445 canary records at 4/s: the 120 s look (480 records) is the first with the guard rails proven.
    expect(seconds).toBe(120);
    const promote = pass.decisions.find((d) => d.decision === "promote");
    expect(
      promote?.measurements?.map(
        (m) => `${m.metric} ${m.phase}${m.inconclusiveReason ? ` (${m.inconclusiveReason})` : ""}`,
      ),
    ).toEqual([
      "error-rate Successful",
      "error-rate-vs-stable Inconclusive (NotEnoughEvidence)",
      "latency Successful",
      "latency-vs-stable Inconclusive (NotEnoughEvidence)",
      "data-quality Successful",
    ]);
    expect(promote?.reason).toMatch(/evidence Successful: error-rate: canary 0\/480 failed/);
    expect(pass.status.stableRevision).toBe(R2);
  });

  it("a canary worse than stable by more than the margin is aborted while its guard rail is fine", async () => {
    const manual: CanaryStepSpec[] = [{ setWeight: 50, pause: {} }, { setWeight: 100 }];
    const fixture = new ReconcileFixture(canaryAt(0, { steps: manual }));
    fixture.provider.setTraffic("green", traffic(20, 0.009));
    fixture.provider.setTraffic("blue", traffic(20, 0.0005));
    const { pass, seconds } = await every30s(fixture, 3600, (p) =>
      p.decisions.some((d) => d.decision === "abort"),
    );
    const byName = Object.fromEntries(
      (pass.status.analysis?.lastMeasurements ?? []).map((m) => [m.metric, m]),
    );
    expect(byName["error-rate"]?.phase).not.toBe("Failed");
    expect(byName["error-rate-vs-stable"]?.phase).toBe("Failed");
    expect(decided(pass)[0]).toMatch(
      /^abort: analysis failed: error-rate-vs-stable = 0\.0[0-9]+ \(must be <= 0\.005\): canary .* vs stable .*canary − stable/,
    );
    expect(seconds).toBeGreaterThan(60);
    expect(seconds).toBeLessThanOrEqual(1800);
  });

  it("counts no data against inconclusiveLimit, unlike a small sample", async () => {
    const fixture = new ReconcileFixture(canaryAt(3));
    fixture.provider.setTraffic("green", "noData");
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    const { seconds, pass } = await every30s(fixture, 600, (p) => p.status.pause !== undefined);
    // Ticks at 60, 120, 180 s: the third inconclusive one is past the limit of 2.
    expect(seconds).toBe(180);
    expect(pass.status.pause?.reason).toBe("InconclusiveAnalysis");
    expect(metricPhases(pass)[0]).toBe("error-rate Inconclusive (NoData)");
  });
});

describe("the evidence window is measured on the wall clock", () => {
  it("a release clock 10× faster than real time queries the wall-clock time since the analysis started", async () => {
    // The sandbox's time scale: Prometheus counts real seconds, the release clock runs ahead.
    const status = canaryAt(0).status as AgentRolloutStatus;
    const fixture = new ReconcileFixture(
      canaryAt(0, { status: { ...status, stepStartedAt: undefined, analysisStartedAt: undefined } }),
    );
    fixture.provider.setTraffic("green", traffic(2, 0));
    fixture.provider.setTraffic("blue", traffic(38, 0.001));
    vi.setSystemTime(T0 + 1000_000);
    const inPlace = await fixture.reconcile();
    expect(inPlace.status).toMatchObject({ analysisStartedAt: at(0), analysisStartedWallAt: at(1000) });
    fixture.clock.advance(300);
    vi.setSystemTime(T0 + 1030_000);
    const look = await fixture.reconcile();
    const evidence = fixture.provider.queries.filter((q) => q.includes("increase("));
    expect(evidence).toHaveLength(6);
    // 30 s of wall time (not 300 s of release time), plus the 30 s lookback.
    expect(evidence.every((q) => q.includes("[60s]"))).toBe(true);
    const guard = look.status.analysis?.lastMeasurements.find((m) => m.metric === "error-rate");
    expect(guard?.samples).toEqual({ canary: 60 });
    // Pauses and intervals stay on the release clock: 300 s passed the 120 s pause of step 1.
    expect(decided(look).some((d) => /^advance: step 2\/4/.test(d))).toBe(true);
  });
});

describe("blue-green preview with evidence", () => {
  it("judges the preview without a stable comparison and switches only once Successful", async () => {
    const fixture = new ReconcileFixture({
      router: "serviceSelector",
      minReplicas: 3,
      version: "1.1.0",
      blueGreen: { scaleDownDelaySeconds: 4, autoPromote: true },
      analysis: ANALYSIS,
      status: {
        activeTrack: "blue",
        stableRevision: R1,
        canaryRevision: R2,
        stepStartedAt: at(0),
        analysisStartedAt: at(0),
        analysis: { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] },
      },
      tracks: { blue: { version: "1.0.0", replicas: 3 }, green: { version: "1.1.0", replicas: 3 } },
    });
    fixture.provider.setTraffic("green", traffic(2, 0));
    const seen: Pass[] = [];
    await every30s(fixture, 900, (pass) => {
      seen.push(pass);
      return pass.decisions.some((d) => d.decision === "switch");
    });
    expect(seen.length * 30).toBe(240);
    expect(metricPhases(seen.at(-2) as Pass)).toEqual([
      "error-rate Inconclusive (NotEnoughEvidence)",
      "latency Inconclusive (NotEnoughEvidence)",
      "data-quality Successful",
    ]);
    expect(fixture.provider.queries.some((q) => q.includes('track="blue"'))).toBe(false);
  });
});
