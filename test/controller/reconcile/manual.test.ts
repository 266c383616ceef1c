/** One reconcile each for a manual action taken up: pause, resume, promote, abort, on a canary and a blue-green release. */
import { describe, expect, it } from "vitest";
import {
  at,
  decided,
  type FixtureOptions,
  fixedWallClock,
  manualAction,
  ReconcileFixture,
  rev,
} from "./support/fixture.ts";

fixedWallClock();

const R1 = rev("1.0.0");
const R2 = rev("1.1.0");
const fresh = { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] };

/** A canary of 1.1.0 held at its manual 20% step (analysis passed). */
const heldAt20: FixtureOptions = {
  minReplicas: 2,
  version: "1.1.0",
  steps: [{ setWeight: 20, pause: {} }, { setWeight: 50 }, { setWeight: 100 }],
  status: {
    activeTrack: "blue",
    stableRevision: R1,
    canaryRevision: R2,
    currentStepIndex: 0,
    stepStartedAt: at(-60),
    analysis: { ...fresh, successes: 1, lastRunAt: at(0) },
  },
  tracks: { blue: { version: "1.0.0", replicas: 2 }, green: { version: "1.1.0", replicas: 1 } },
  weights: { blue: 80, green: 20 },
};

/** A blue-green switch to green at T0, blue kept until T0+60 s. */
const afterSwitch: FixtureOptions = {
  router: "serviceSelector",
  minReplicas: 2,
  version: "1.1.0",
  blueGreen: { scaleDownDelaySeconds: 60, autoPromote: false },
  status: {
    activeTrack: "green",
    stableRevision: R2,
    stepStartedAt: at(0),
    scaleDownAt: at(60),
    analysis: fresh,
  },
  tracks: { blue: { version: "1.0.0", replicas: 2 }, green: { version: "1.1.0", replicas: 2 } },
  weights: { blue: 0, green: 100 },
};

describe("pause and resume", () => {
  it("a user's pause holds the weights (Paused) and records its outcome", async () => {
    const options = { ...heldAt20, steps: [{ setWeight: 20 }, { setWeight: 50 }, { setWeight: 100 }] };
    const fixture = new ReconcileFixture({ ...options, action: manualAction("pause") });
    const pass = await fixture.reconcile();
    const record = {
      id: "pause-1",
      action: "pause",
      by: "bob",
      at: at(0),
      outcome: "Applied",
      result: "paused: weights held",
    };
    expect(pass.facts).toEqual({
      pause: { reason: "UserPaused", since: at(0), by: "bob" },
      lastAction: record,
      actionHistory: [record],
      phase: "Paused",
      message: "paused (UserPaused by bob); blue 80% / green 20%",
    });
    expect(pass.events).toEqual([
      {
        type: "Normal",
        reason: "ManualActionApplied",
        message: "pause by bob (pause-1): applied: paused: weights held",
      },
    ]);
    expect(decided(pass)).toEqual(["manual-pause: Applied: paused: weights held"]);
    // Held: the passed analysis does not advance the step, traffic does not move.
    expect(pass.timeline).toEqual(["router reconcile"]);
    expect(pass.conditions.Progressing).toBe("False ReleasePaused: UserPaused");
  });

  it("resume lifts the pause; the release carries on in the same pass", async () => {
    const options = { ...heldAt20, steps: [{ setWeight: 20 }, { setWeight: 50 }, { setWeight: 100 }] };
    const paused = { ...options.status, pause: { reason: "UserPaused" as const, since: at(-5), by: "bob" } };
    const fixture = new ReconcileFixture({
      ...options,
      status: paused,
      action: manualAction("resume", { id: "resume-1" }),
    });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "manual-resume: Applied: resumed",
      "advance: step 2/3 (50%): analysis passed",
      "weight: 50% to green in place",
    ]);
    expect(pass.facts).toMatchObject({ pause: null, currentStepIndex: 1, weights: { blue: 50, green: 50 } });
  });
});

describe("promote (advanceStep, switchBlueGreen, finishScaleDown)", () => {
  it("passes the manual step it names; the outcome is confirmed once the router reads back its weights", async () => {
    const fixture = new ReconcileFixture({
      ...heldAt20,
      action: manualAction("promote", { gate: "step-1", revision: R2 }),
    });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "advance: step 2/3 (50%): promoted by bob",
      "manual-promote: Applied: advanced past step 1",
      "weight: 50% to green in place",
    ]);
    expect(pass.decisions[0]?.actor).toBe("bob");
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 50/50", "router getWeights"]);
    expect(pass.status.lastAction).toEqual({
      id: "promote-1",
      action: "promote",
      by: "bob",
      at: at(0),
      outcome: "Applied",
      result: "advanced past step 1",
      revision: R2,
      gate: "step-1",
      target: { blue: 50, green: 50 },
      confirmedAt: at(0),
    });
    expect(pass.events.map((event) => event.reason)).toEqual(["StepAdvanced", "ManualActionApplied"]);
  });

  it("on a blue-green preview switches traffic to it", async () => {
    const fixture = new ReconcileFixture({
      ...afterSwitch,
      status: {
        activeTrack: "blue",
        stableRevision: R1,
        canaryRevision: R2,
        stepStartedAt: at(-10),
        analysis: fresh,
      },
      weights: { blue: 100, green: 0 },
      action: manualAction("promote", { gate: "switch", revision: R2 }),
    });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "switch: promoted by bob",
      "manual-promote: Applied: switched traffic to the new track",
    ]);
    expect(pass.timeline).toEqual(["router reconcile", "router setWeights 0/100", "router getWeights"]);
    expect(pass.facts).toMatchObject({ activeTrack: "green", scaleDownAt: at(60), phase: "Promoting" });
  });

  it("during the delay retires the previous track now", async () => {
    const fixture = new ReconcileFixture({
      ...afterSwitch,
      action: manualAction("promote", { gate: "scale-down", revision: R2 }),
    });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "retire-now: previous track retired early",
      "manual-promote: Applied: retiring the previous track now",
      `complete: revision ${R2} serves all traffic; previous track at 0`,
    ]);
    expect(pass.timeline).toEqual([
      "router reconcile",
      'patch Deployment ingest-blue {"spec":{"replicas":0}}',
    ]);
    expect(pass.facts).toMatchObject({ scaleDownAt: null, phase: "Healthy" });
  });
});

describe("abort (abortRelease, rollBack)", () => {
  it("a user's abort of a canary: all traffic to stable, Aborted, by whom", async () => {
    const fixture = new ReconcileFixture({ ...heldAt20, action: manualAction("abort") });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "abort: aborted by bob",
      "manual-abort: Applied: aborted: all traffic to the stable track",
    ]);
    expect(pass.events[0]).toEqual({
      type: "Warning",
      reason: "RolloutAborted",
      message: `revision ${R2} aborted: aborted by bob; all traffic back to blue`,
    });
    expect(pass.facts).toMatchObject({
      abortedRevision: R2,
      abortedBy: "bob",
      weights: { blue: 100, green: 0 },
      phase: "Aborted",
    });
    expect(pass.conditions.Degraded).toBe("True UserAborted: aborted by bob");
    expect(pass.status.lastAction).toMatchObject({ target: { blue: 100, green: 0 }, confirmedAt: at(0) });
  });

  it("an abort during the blue-green delay rolls back onto the old track", async () => {
    const fixture = new ReconcileFixture({ ...afterSwitch, action: manualAction("abort", { by: "carol" }) });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "rollback: rolled back by carol",
      "manual-abort: Applied: rolled back to the previous track",
    ]);
    expect(pass.decisions[0]?.actor).toBe("carol");
    expect(pass.timeline.slice(0, 3)).toEqual([
      "router reconcile",
      "router setWeights 100/0",
      "router getWeights",
    ]);
    expect(pass.facts).toMatchObject({
      activeTrack: "blue",
      abortedBy: "carol",
      weights: { blue: 100, green: 0 },
      phase: "Aborted",
    });
  });

  it("resume retries an aborted release", async () => {
    const fixture = new ReconcileFixture({
      minReplicas: 2,
      version: "1.1.0",
      status: { activeTrack: "blue", stableRevision: R1, abortedRevision: R2, abortedBy: "bob" },
      tracks: { blue: { version: "1.0.0", replicas: 2 }, green: { version: "1.1.0", replicas: 0 } },
      action: manualAction("resume"),
    });
    const pass = await fixture.reconcile();
    expect(decided(pass)).toEqual([
      "manual-resume: Applied: retrying the aborted release",
      `start: new revision ${R2} (stable ${R1})`,
    ]);
    expect(pass.facts).toMatchObject({
      abortedRevision: null,
      abortedBy: null,
      canaryRevision: R2,
      currentStepIndex: 0,
    });
  });
});
