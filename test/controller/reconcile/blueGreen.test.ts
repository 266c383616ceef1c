/** One reconcile each for a blue-green release: preview ready, switch, the delay, retirement, rollback. */
import { describe, expect, it } from "vitest";
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
const fresh = { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] };

/** 1.1.0 on the green preview track (3 pods) beside 1.0.0 on blue; its analysis runs since T0 unless `started` is false. */
function preview(
  extra: Partial<FixtureOptions> & { started?: boolean; autoPromote?: boolean } = {},
): FixtureOptions {
  const { started = true, autoPromote = true, ...rest } = extra;
  return {
    router: "serviceSelector",
    minReplicas: 3,
    version: "1.1.0",
    blueGreen: { scaleDownDelaySeconds: 4, autoPromote },
    status: {
      activeTrack: "blue",
      stableRevision: R1,
      canaryRevision: R2,
      ...(started ? { stepStartedAt: at(0) } : {}),
      analysis: fresh,
    },
    tracks: { blue: { version: "1.0.0", replicas: 3 }, green: { version: "1.1.0", replicas: 3 } },
    ...rest,
  };
}

/** Switched to green at T0; blue kept for rollback until `scaleDownAt`. */
function promoting(scaleDownAt: string): FixtureOptions {
  return {
    router: "serviceSelector",
    minReplicas: 3,
    version: "1.1.0",
    blueGreen: { scaleDownDelaySeconds: 4, autoPromote: true },
    status: { activeTrack: "green", stableRevision: R2, stepStartedAt: at(0), scaleDownAt, analysis: fresh },
    tracks: { blue: { version: "1.0.0", replicas: 3 }, green: { version: "1.1.0", replicas: 3 } },
  };
}

describe("the preview track (markStepInPlace)", () => {
  it("starts the pre-promotion analysis once every preview pod is ready", async () => {
    const pass = await new ReconcileFixture(preview({ started: false })).reconcile();
    expect(pass.events).toEqual([
      {
        type: "Normal",
        reason: "PreviewReady",
        message: "track green ready (3 pods); pre-promotion analysis starts",
      },
    ]);
    expect(pass.facts).toEqual({
      stepStartedAt: at(0),
      phase: "Analysing",
      message: `revision ${R2} on preview track green; blue 100% / green 0%`,
    });
    expect(pass.timeline).toEqual(["router reconcile"]);
  });
});

describe("the switch (progress → switchBlueGreen)", () => {
  it("switches all traffic once the analysis passed, keeping the old track at full size for the delay", async () => {
    const fixture = new ReconcileFixture(preview());
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 0/100", "router getWeights"]);
    expect(decided(pass)).toEqual(["switch: pre-promotion analysis passed"]);
    expect(pass.events).toEqual([
      {
        type: "Normal",
        reason: "Switched",
        message: `all traffic to green (revision ${R2}); previous track kept 4s for rollback`,
      },
    ]);
    expect(pass.facts).toMatchObject({
      activeTrack: "green",
      stableRevision: R2,
      canaryRevision: null,
      stepStartedAt: at(1),
      scaleDownAt: at(5),
      weights: { blue: 0, green: 100 },
      phase: "Promoting",
      message: `promoted ${R2} on green; previous track retired at ${at(5)}`,
    });
    expect(pass.writes.some((write) => write.name === "ingest-blue")).toBe(false);
    expect(pass.result.requeueAfterMs).toBe(1000);
  });

  it("does not switch while the analysis has not passed", async () => {
    const fixture = new ReconcileFixture(preview({ analysis: { inconclusiveLimit: 50 } }));
    fixture.provider.setTrack("green", "noData");
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.decisions).toEqual([]);
    expect(pass.facts).toMatchObject({ analysis: { inconclusives: 1 }, phase: "Analysing" });
    expect(pass.timeline).toEqual(["router reconcile"]);
  });

  it("refuses to switch onto a preview track that lost ready pods, and says why", async () => {
    const options = preview();
    const fixture = new ReconcileFixture({
      ...options,
      tracks: { ...options.tracks, green: { version: "1.1.0", replicas: 3, ready: 2 } },
    });
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.result.problems).toEqual([
      "not switching yet: track green has 2/3 ready pods of the new revision",
    ]);
    expect(pass.decisions).toEqual([]);
    expect(pass.status.activeTrack).toBe("blue");
  });

  it("without autoPromote a passed analysis waits (Paused) for promote", async () => {
    const fixture = new ReconcileFixture(preview({ autoPromote: false }));
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.decisions).toEqual([]);
    expect(pass.facts).toMatchObject({ analysis: { successes: 1 }, phase: "Paused" });
    expect(pass.timeline).toEqual(["router reconcile"]);
  });
});

describe("after the switch (analysisTarget, completeScaleDown)", () => {
  it("keeps analysing the new active track and the old one at full size until the delay is over", async () => {
    const fixture = new ReconcileFixture(promoting(at(4)));
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(fixture.provider.queries.every((query) => query.includes('track="green"'))).toBe(true);
    expect(fixture.provider.queries).toHaveLength(3);
    expect(pass.writes).toEqual([]);
    expect(pass.decisions).toEqual([]);
    expect(pass.facts).toMatchObject({ phase: "Promoting" });
    expect(pass.result.requeueAfterMs).toBe(1000);
  });

  it("retires the old track once the delay is over and completes", async () => {
    const fixture = new ReconcileFixture(promoting(at(4)));
    fixture.clock.advance(4);
    const pass = await fixture.reconcile();
    expect(pass.timeline).toEqual([
      "router reconcile",
      'patch Deployment ingest-blue {"spec":{"replicas":0}}',
    ]);
    expect(decided(pass)).toEqual([`complete: revision ${R2} serves all traffic; previous track at 0`]);
    expect(pass.events).toEqual([
      { type: "Normal", reason: "ReleaseComplete", message: `revision ${R2} is stable on green` },
    ]);
    expect(pass.facts).toMatchObject({ scaleDownAt: null, stepStartedAt: null, phase: "Healthy" });
  });
});

describe("rollback after the switch (rollBack)", () => {
  it("a failed analysis sends all traffic back to the old track, which never scaled down", async () => {
    const fixture = new ReconcileFixture(promoting(at(60)));
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
    expect(pass.events).toEqual([
      {
        type: "Warning",
        reason: "RolledBack",
        message: `revision ${R2} rolled back to ${R1} on blue: ${why}`,
      },
    ]);
    expect(decided(pass)).toEqual([`rollback: ${why}`]);
    expect(pass.facts).toMatchObject({
      activeTrack: "blue",
      stableRevision: R1,
      abortedRevision: R2,
      scaleDownAt: null,
      stepStartedAt: null,
      weights: { blue: 100, green: 0 },
      phase: "Degraded",
    });
    expect(pass.conditions.Degraded).toBe(`True AnalysisFailed: ${why}`);
  });

  it("cannot roll back onto a track that is gone, and says so", async () => {
    const options = promoting(at(60));
    const fixture = new ReconcileFixture({
      ...options,
      tracks: { green: { version: "1.1.0", replicas: 3 } },
    });
    fixture.provider.setTrack("green", BAD_ERRORS);
    fixture.clock.advance(1);
    const pass = await fixture.reconcile();
    expect(pass.result.problems).toEqual([
      "cannot roll back: track blue is gone",
      "track blue is missing and its revision cannot be rebuilt from the current template",
    ]);
    expect(pass.decisions).toEqual([]);
    expect(pass.status.activeTrack).toBe("green");
  });
});
