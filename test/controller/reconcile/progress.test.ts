/** One reconcile each for a canary moving on: a step's traffic in place, analysis ticks, pauses, advance and promotion. */
import { describe, expect, it } from "vitest";
import type { CanaryStepSpec } from "../../../src/crd/agentRollout.ts";
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

/** A canary of 1.1.0 over 1.0.0 on blue, at `step` (0-based), its traffic in place since T0 unless `started` is false. */
function atStep(step: number, extra: Partial<FixtureOptions> & { started?: boolean } = {}): FixtureOptions {
  const { started = true, ...rest } = extra;
  return {
    minReplicas: 4,
    version: "1.1.0",
    status: {
      activeTrack: "blue",
      stableRevision: R1,
      canaryRevision: R2,
      currentStepIndex: step,
      ...(started ? { stepStartedAt: at(0) } : {}),
      analysis: { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] },
    },
    tracks: { blue: { version: "1.0.0", replicas: 4 }, green: { version: "1.1.0", replicas: 1 } },
    weights: { blue: 95, green: 5 },
    ...rest,
  };
}

describe("a step's traffic (markStepInPlace)", () => {
  it("sets the step's weight once the canary has its pods, reads it back and starts the step's clock", async () => {
    const fixture = new ReconcileFixture(atStep(0, { started: false, weights: { blue: 100, green: 0 } }));
    const pass = await fixture.reconcile();
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 95/5", "router getWeights"]);
    expect(pass.facts).toEqual({
      stepStartedAt: at(0),
      weights: { blue: 95, green: 5 },
      phase: "Analysing",
      message: "step 1/4: 5% to green; blue 95% / green 5%",
    });
    expect(pass.decisions).toEqual([
      {
        actor: "controller",
        decision: "weight",
        reason: "5% to green in place",
        revision: R2,
        weights: { blue: 95, green: 5 },
      },
    ]);
    expect(pass.events).toEqual([]);
    expect(pass.conditions.TrafficRouted).toBe(
      "True WeightsVerified: wanted 95/5, read back 95/5 (blue/green)",
    );
    // No timer yet: the status write itself brings the next pass, which schedules the first tick.
    expect(pass.result.requeueAfterMs).toBeUndefined();
  });

  it("gives a canary without ready pods no traffic and leaves the step's clock alone", async () => {
    const fixture = new ReconcileFixture(
      atStep(0, {
        started: false,
        weights: { blue: 100, green: 0 },
        tracks: {
          blue: { version: "1.0.0", replicas: 4 },
          green: { version: "1.1.0", replicas: 1, ready: 0 },
        },
      }),
    );
    const pass = await fixture.reconcile();
    expect(pass.timeline).toEqual(["router reconcile"]);
    expect(pass.facts).toEqual({
      phase: "Progressing",
      message: "step 1/4: 5% to green; blue 100% / green 0%",
    });
    expect(pass.decisions).toEqual([]);
  });
});

describe("analysis ticks (analyse, analysisDue, recordTick)", () => {
  it("runs nothing before the interval is over and asks to be woken when it is", async () => {
    const fixture = new ReconcileFixture(atStep(0));
    fixture.clock.advance(0.4);
    const pass = await fixture.reconcile();
    expect(fixture.provider.queries).toEqual([]);
    expect(pass.decisions).toEqual([]);
    expect(pass.result.requeueAfterMs).toBe(600);
    expect(pass.facts).toMatchObject({ phase: "Analysing" });
  });

  it("a passing tick advances to the next step; its weight is set and in place in the same pass", async () => {
    const fixture = new ReconcileFixture(atStep(0));
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    // Three queries, each scoped to the canary track.
    expect(fixture.provider.queries).toHaveLength(3);
    expect(fixture.provider.queries.every((query) => query.includes('track="green"'))).toBe(true);
    expect(pass.facts).toEqual({
      currentStepIndex: 1,
      stepStartedAt: at(1),
      analysis: {
        lastMeasurements: [
          {
            metric: "error-rate",
            phase: "Successful",
            value: 0.001,
            message: "error-rate = 0.001000 (must be <= 0.01)",
            at: at(1),
          },
          {
            metric: "latency-p95",
            phase: "Successful",
            value: 0.2,
            message: "latency-p95 = 0.2000 (must be <= 1)",
            at: at(1),
          },
          {
            metric: "data-quality",
            phase: "Successful",
            value: 0.99,
            message: "data-quality = 0.9900 (must be >= 0.95)",
            at: at(1),
          },
        ],
      },
      weights: { blue: 75, green: 25 },
      phase: "Analysing",
      message: "step 2/4: 25% to green; blue 75% / green 25%",
    });
    expect(pass.conditions.AnalysisAvailable).toBe("True ProviderOnline: metrics provider answering");
    expect(decided(pass)).toEqual([
      "advance: step 2/4 (25%): analysis passed",
      "weight: 25% to green in place",
    ]);
    expect(pass.events).toEqual([
      { type: "Normal", reason: "StepAdvanced", message: "step 2/4: 25% to green (analysis passed)" },
    ]);
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 75/25", "router getWeights"]);
  });
});

describe("step pauses (progress)", () => {
  const timed: CanaryStepSpec[] = [{ setWeight: 5, pause: { durationSeconds: 10 } }, { setWeight: 100 }];

  it("holds a passed step until its timed pause is over, then advances", async () => {
    const passed = { successes: 1, failures: 0, inconclusives: 0, lastMeasurements: [], lastRunAt: at(5) };
    const options = atStep(0, { steps: timed });
    const fixture = new ReconcileFixture({ ...options, status: { ...options.status, analysis: passed } });
    fixture.clock.advance(5.5);
    const held = await fixture.reconcile();
    expect(held.decisions).toEqual([]);
    expect(held.facts).toMatchObject({
      phase: "Paused",
      message: "step 1/2: 5% to green; blue 95% / green 5%",
    });
    // The next analysis tick (6 s) comes before the pause ends (10 s).
    expect(held.result.requeueAfterMs).toBe(500);

    fixture.clock.advance(4.5);
    const over = await fixture.reconcile();
    expect(decided(over)[0]).toBe("advance: step 2/2 (100%): analysis passed");
    expect(over.facts).toMatchObject({ currentStepIndex: 1 });
  });

  it("holds a passed step with a manual pause: Paused until someone promotes", async () => {
    const fixture = new ReconcileFixture(
      atStep(0, { steps: [{ setWeight: 5, pause: {} }, { setWeight: 100 }] }),
    );
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.decisions).toEqual([]);
    expect(pass.facts).toMatchObject({
      analysis: { successes: 1 },
      phase: "Paused",
      message: "step 1/2: 5% to green; blue 95% / green 5%",
    });
    expect(pass.timeline).toEqual(["router reconcile"]);
  });
});

describe("the last step (advanceStep → promoteCanary → completeScaleDown)", () => {
  it("promotes the canary, retires the old track once it reads back no traffic, and completes", async () => {
    const fixture = new ReconcileFixture(
      atStep(3, {
        tracks: { blue: { version: "1.0.0", replicas: 4 }, green: { version: "1.1.0", replicas: 4 } },
        weights: { blue: 0, green: 100 },
      }),
    );
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "promote: analysis passed",
      `complete: revision ${R2} serves all traffic; previous track at 0`,
    ]);
    expect(pass.events).toEqual([
      { type: "Normal", reason: "Promoted", message: `revision ${R2} promoted on green: analysis passed` },
      { type: "Normal", reason: "ReleaseComplete", message: `revision ${R2} is stable on green` },
    ]);
    expect(pass.facts).toMatchObject({
      activeTrack: "green",
      stableRevision: R2,
      canaryRevision: null,
      currentStepIndex: null,
      stepStartedAt: null,
      selector: "agent=ingest,track=green",
      phase: "Healthy",
      message: `revision ${R2} stable on green; blue 0% / green 100%`,
    });
    expect(pass.facts).not.toHaveProperty("scaleDownAt");
    expect(pass.timeline).toEqual([
      "router reconcile",
      'patch Deployment ingest-blue {"spec":{"replicas":0}}',
    ]);
  });
});
