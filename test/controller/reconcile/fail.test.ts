/** One reconcile each for what stops or holds a canary: failed, inconclusive and blind analysis, a failing router. */
import { describe, expect, it } from "vitest";
import { describeFailure, failureMessage } from "../../../src/controller/rollout/decide/fail.ts";
import { BAD_ERRORS } from "../support/fakePrometheus.ts";
import {
  at,
  decided,
  type FixtureOptions,
  fixedWallClock,
  ReconcileFixture,
  rev,
} from "./support/fixture.ts";

fixedWallClock();

const R1 = rev("1.0.0");
const R2 = rev("1.1.0");

const BLIND = "Prometheus is unavailable (circuit open or not answering)";

/** A canary of 1.1.0 at 5% on green since T0, its analysis due. */
function firstStep(extra: Partial<FixtureOptions> = {}): FixtureOptions {
  return {
    minReplicas: 4,
    version: "1.1.0",
    status: {
      activeTrack: "blue",
      stableRevision: R1,
      canaryRevision: R2,
      currentStepIndex: 0,
      stepStartedAt: at(0),
      analysis: { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] },
    },
    tracks: { blue: { version: "1.0.0", replicas: 4 }, green: { version: "1.1.0", replicas: 1 } },
    weights: { blue: 95, green: 5 },
    ...extra,
  };
}

describe("failed analysis (abortRelease)", () => {
  it("aborts: all traffic back to stable, read back, then the canary to 0; Degraded with the failing numbers", async () => {
    const fixture = new ReconcileFixture(firstStep());
    fixture.provider.setTrack("green", BAD_ERRORS);
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    const why = "analysis failed: error-rate = 0.2000 (must be <= 0.01)";
    expect(pass.timeline).toEqual([
      "router reconcile",
      "router setWeights 100/0",
      "router getWeights",
      'patch Deployment ingest-green {"spec":{"replicas":0}}',
      'apply Service ingest-preview {"selector":{"agent":"ingest","track":"blue"}}',
    ]);
    expect(pass.facts).toMatchObject({
      abortedRevision: R2,
      canaryRevision: null,
      currentStepIndex: null,
      stepStartedAt: null,
      analysis: { failures: 1 },
      weights: { blue: 100, green: 0 },
      phase: "Degraded",
      message: `${why}; blue 100% / green 0%`,
    });
    expect(pass.conditions).toMatchObject({
      Progressing: `False ReleaseAborted: revision ${R2} aborted`,
      Degraded: `True AnalysisFailed: ${why}`,
    });
    expect(pass.events).toEqual([
      {
        type: "Warning",
        reason: "RolloutAborted",
        message: `revision ${R2} aborted: ${why}; all traffic back to blue`,
      },
    ]);
    expect(decided(pass)).toEqual([`abort: ${why}`]);
    expect(pass.decisions[0]?.measurements?.find((m) => m.metric === "error-rate")).toMatchObject({
      phase: "Failed",
      value: 0.2,
    });
    // Blue, the stable track, is never touched: it stays at full size.
    expect(pass.writes.some((write) => write.name === "ingest-blue")).toBe(false);
  });

  it("with noData: failure, missing data aborts too", async () => {
    const fixture = new ReconcileFixture(firstStep({ analysis: { noData: "failure" } }));
    fixture.provider.setTrack("green", "noData");
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "abort: analysis failed: no data: no samples for green; no data: no samples for green; no data: no samples for green",
    ]);
    expect(pass.facts).toMatchObject({ phase: "Degraded", weights: { blue: 100, green: 0 } });
  });

  it("describes the failed measurements, or says only that the analysis failed", () => {
    const failed = { metric: "error-rate", phase: "Failed" as const, at: "t" };
    expect(describeFailure([failed, { ...failed, phase: "Successful" }])).toBe("error-rate failed");
    expect(failureMessage([{ ...failed, phase: "Inconclusive" }])).toBe("analysis failed");
  });
});

describe("inconclusive analysis (recordTick)", () => {
  it("pauses after more inconclusive ticks than the limit, weights held", async () => {
    const options = firstStep({ analysis: { inconclusiveLimit: 2 } });
    const fixture = new ReconcileFixture({
      ...options,
      status: {
        ...options.status,
        analysis: { successes: 0, failures: 0, inconclusives: 2, lastMeasurements: [], lastRunAt: at(0) },
      },
    });
    fixture.provider.setTrack("green", "noData");
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    const why = "3 inconclusive analyses (limit 2); paused until promote, resume or abort";
    expect(pass.facts).toMatchObject({
      pause: { reason: "InconclusiveAnalysis", since: at(1) },
      analysis: { inconclusives: 3 },
      phase: "Paused",
      message: "paused (InconclusiveAnalysis); blue 95% / green 5%",
    });
    expect(pass.events).toEqual([{ type: "Warning", reason: "AnalysisInconclusive", message: why }]);
    expect(
      pass.status.analysis?.lastMeasurements.every(
        (m) => m.phase === "Inconclusive" && m.message?.startsWith("no data"),
      ),
    ).toBe(true);
    expect(decided(pass)).toEqual([`pause: ${why}`]);
    expect(pass.timeline).toEqual(["router reconcile"]);
    // Paused: no further analysis is scheduled.
    fixture.clock.advance(5);
    const later = await fixture.reconcile();
    expect(fixture.provider.queries).toHaveLength(3);
    expect(later.decisions).toEqual([]);
    expect(later.result.requeueAfterMs).toBeUndefined();
    expect(later.status).toMatchObject({ phase: "Paused", currentStepIndex: 0, stableRevision: R1 });
    expect(fixture.router.weights).toEqual({ blue: 95, green: 5 });
  });
});

describe("a blind provider (analysis unavailable)", () => {
  it("holds the weights, says why once, counts nothing, and resumes when the provider is back", async () => {
    const fixture = new ReconcileFixture(firstStep({ steps: [{ setWeight: 5 }, { setWeight: 100 }] }));
    fixture.provider.online = false;
    fixture.clock.advance(1);
    const blind = await fixture.reconcile();
    expect(blind.facts).toMatchObject({
      analysis: { lastRunAt: at(1) },
      phase: "Analysing",
      message: `${BLIND}; holding current weights; blue 95% / green 5%`,
    });
    expect(blind.status.analysis).toMatchObject({ successes: 0, failures: 0, inconclusives: 0 });
    expect(blind.conditions.AnalysisAvailable).toBe(
      `False ProviderUnavailable: ${BLIND}; holding current weights`,
    );
    expect(blind.events).toEqual([
      {
        type: "Warning",
        reason: "AnalysisUnavailable",
        message: `${BLIND}; weights held at 95/5 (blue/green)`,
      },
    ]);
    expect(blind.decisions).toEqual([
      {
        actor: "controller",
        decision: "hold",
        reason: `blind: ${BLIND}`,
        revision: R2,
        weights: { blue: 95, green: 5 },
      },
    ]);
    expect(blind.timeline).toEqual(["router reconcile"]);

    fixture.clock.advance(1);
    const still = await fixture.reconcile();
    expect(still.events).toEqual([]);
    expect(still.decisions).toEqual([]);
    expect(still.status.currentStepIndex).toBe(0);

    fixture.provider.online = true;
    fixture.clock.advance(1);
    const back = await fixture.reconcile();
    expect(back.conditions.AnalysisAvailable).toBe("True ProviderOnline: metrics provider answering");
    expect(decided(back)).toEqual([
      "resume-analysis: metrics provider is back",
      "advance: step 2/2 (100%): analysis passed",
    ]);
  });

  it("a provider whose every query is unavailable is blind as well", async () => {
    const fixture = new ReconcileFixture(firstStep());
    fixture.provider.setTrack("green", "unavailable");
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.conditions.AnalysisAvailable).toBe(
      "False ProviderUnavailable: connection refused; holding current weights",
    );
    expect(decided(pass)).toEqual(["hold: blind: connection refused"]);
  });
});

describe("a failing router", () => {
  it("setWeights failing: the pass still ends with its one status write, naming the problem", async () => {
    const options = firstStep();
    const fixture = new ReconcileFixture({
      ...options,
      status: { ...options.status, stepStartedAt: undefined },
      weights: { blue: 100, green: 0 },
    });
    fixture.router.failSetWeights = "HTTPRoute update refused";
    const pass = await fixture.reconcile();
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 95/5"]);
    expect(pass.result.problems).toEqual(["route traffic: HTTPRoute update refused"]);
    expect(pass.facts).toEqual({
      phase: "Progressing",
      message: "route traffic: HTTPRoute update refused (blue 100% / green 0%)",
    });
    expect(pass.conditions.TrafficRouted).toBe(
      "False WeightsPending: wanted 95/5, read back 100/0 (blue/green)",
    );
    expect(pass.decisions).toEqual([]);
  });

  it("a read-back that differs from what was set is a problem, and the step does not start", async () => {
    const options = firstStep();
    const fixture = new ReconcileFixture({
      ...options,
      status: { ...options.status, stepStartedAt: undefined },
      weights: { blue: 100, green: 0 },
    });
    fixture.router.readBack = { blue: 100, green: 0 };
    const pass = await fixture.reconcile();
    expect(pass.result.problems).toEqual(["traffic read back 100/0 after setting 95/5"]);
    expect(pass.facts).toEqual({
      phase: "Progressing",
      message: "traffic read back 100/0 after setting 95/5 (blue 100% / green 0%)",
    });
    expect(pass.decisions).toEqual([]);
  });

  it("the router's repair failing: the weights in force are unknown, so they are set and read back anyway", async () => {
    const fixture = new ReconcileFixture(firstStep());
    fixture.router.failReconcile = "HTTPRoute unreadable";
    const pass = await fixture.reconcile();
    expect(pass.result.problems).toEqual(["read traffic: HTTPRoute unreadable"]);
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 95/5", "router getWeights"]);
    expect(pass.conditions.TrafficRouted).toBe(
      "True WeightsVerified: wanted 95/5, read back 95/5 (blue/green)",
    );
    expect(pass.facts).toMatchObject({ message: "read traffic: HTTPRoute unreadable (blue 95% / green 5%)" });
  });
});
