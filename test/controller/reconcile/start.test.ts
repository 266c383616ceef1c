/** One reconcile each: the first pass, an invalid spec, and starting, superseding or cancelling a release. */
import { describe, expect, it } from "vitest";
import { type FixtureOptions, fixedWallClock, ReconcileFixture, rev } from "./support/fixture.ts";

fixedWallClock();

const R1 = rev("1.0.0");
const R2 = rev("1.1.0");
const R3 = rev("1.2.0");

const stableOnBlue: FixtureOptions = {
  minReplicas: 4,
  status: { activeTrack: "blue", stableRevision: R1 },
  tracks: { blue: { version: "1.0.0", replicas: 4 } },
};

describe("the first reconcile (initialize)", () => {
  it("makes blue the stable track, creates it at full size and points both Services at it", async () => {
    const fixture = new ReconcileFixture({ minReplicas: 4, freshServices: true });
    const pass = await fixture.reconcile();
    expect(pass.facts).toEqual({
      activeTrack: "blue",
      stableRevision: R1,
      weights: { blue: 100, green: 0 },
      replicas: 0,
      selector: "agent=ingest,track=blue",
      observedGeneration: 1,
      phase: "Progressing",
      message: `revision ${R1} stable on blue; blue 100% / green 0%`,
    });
    expect(pass.conditions).toEqual({
      Available: "False StableTrackNotReady: 0/4 stable pods ready",
      Progressing: `True ReleaseComplete: revision ${R1} is stable`,
      TrafficRouted: "True WeightsVerified: wanted 100/0, read back 100/0 (blue/green)",
      Degraded: "False NoFailure: no failed release",
    });
    expect(pass.events).toEqual([
      { type: "Normal", reason: "Initialized", message: `stable revision ${R1} on track blue` },
    ]);
    expect(pass.decisions).toEqual([
      {
        actor: "controller",
        decision: "initialize",
        reason: "first reconcile: blue is the stable track",
        revision: R1,
      },
    ]);
    expect(pass.timeline).toEqual([
      "router reconcile",
      `create Deployment ingest-blue (replicas 4, revision ${R1})`,
      'apply Service ingest-preview {"selector":{"agent":"ingest","track":"blue"}}',
      'apply Service ingest {"selector":{"agent":"ingest","track":"blue"}}',
    ]);

    fixture.ready("blue");
    const healthy = await fixture.reconcile();
    expect(healthy.facts).toEqual({ phase: "Healthy", replicas: 4 });
    expect(healthy.timeline).toEqual(["router reconcile"]);
    expect(healthy.events).toEqual([]);
    // Healthy and settled: the next pass writes nothing at all.
    const quiet = await fixture.reconcile();
    expect(quiet.patch).toBeUndefined();
    expect(quiet.writes).toEqual([]);
  });

  it("seeds spec.replicas once through the scale subresource when the autoscaler never wrote it", async () => {
    const fixture = new ReconcileFixture({ minReplicas: 3, maxReplicas: 6, specReplicas: null });
    const pass = await fixture.reconcile();
    expect(pass.writes[0]).toEqual({
      verb: "replaceScale",
      kind: "AgentRollout",
      name: "ingest",
      body: { replicas: 3 },
    });
    expect(pass.result.earlierWrites).toHaveLength(1);
    expect((fixture.rollout().spec as { replicas?: number }).replicas).toBe(3);
    expect(pass.timeline).toContain(`create Deployment ingest-blue (replicas 3, revision ${R1})`);
    fixture.ready("blue");
    expect((await fixture.reconcile()).writes.filter((write) => write.verb === "replaceScale")).toEqual([]);
  });

  it("reports an unusable spec as Degraded (InvalidSpec) and creates nothing", async () => {
    const fixture = new ReconcileFixture({ router: "serviceSelector", minReplicas: 2 });
    const pass = await fixture.reconcile();
    const why =
      "a canary needs a router that splits traffic; serviceSelector only switches (use blueGreen or another router)";
    expect(pass.facts).toEqual({ phase: "Degraded", message: why, observedGeneration: 1 });
    expect(pass.conditions).toEqual({ InvalidSpec: `True InvalidSpec: ${why}` });
    expect(pass.events).toEqual([{ type: "Warning", reason: "InvalidSpec", message: why }]);
    expect(pass.timeline).toEqual([]);
    expect(pass.result.problems).toEqual([why]);
  });

  it("refuses a maxReplicas below minReplicas as an invalid spec", async () => {
    const pass = await new ReconcileFixture({ minReplicas: 4, maxReplicas: 2 }).reconcile();
    expect(pass.facts).toMatchObject({
      phase: "Degraded",
      message: "spec.maxReplicas (2) is below spec.minReplicas (4)",
    });
    expect(pass.timeline).toEqual([]);
  });
});

describe("a new template (detectRevision)", () => {
  it("starts a release on the idle track at step 1, traffic still all on stable", async () => {
    const fixture = new ReconcileFixture(stableOnBlue);
    fixture.release("1.1.0");
    const pass = await fixture.reconcile();
    expect(pass.facts).toEqual({
      observedGeneration: 2,
      canaryRevision: R2,
      currentStepIndex: 0,
      analysis: { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] },
      phase: "Progressing",
      message: "step 1/4: 5% to green; blue 100% / green 0%",
    });
    expect(pass.conditions).toMatchObject({
      Progressing: `True ReleaseInProgress: releasing ${R2}`,
      Degraded: `False ReleaseStarted: releasing revision ${R2}`,
    });
    expect(pass.events).toEqual([
      { type: "Normal", reason: "ReleaseStarted", message: `releasing revision ${R2} on track green` },
    ]);
    expect(pass.decisions).toEqual([
      { actor: "controller", decision: "start", reason: `new revision ${R2} (stable ${R1})`, revision: R2 },
    ]);
    // The canary gets its one pod first; traffic moves only once it is ready (next pass).
    expect(pass.timeline).toEqual([
      "router reconcile",
      `create Deployment ingest-green (replicas 1, revision ${R2})`,
      'apply Service ingest-preview {"selector":{"agent":"ingest","track":"green"}}',
    ]);
  });

  it("supersedes a running release: traffic back to stable, then the canary track's template, then step 1 again", async () => {
    const fixture = new ReconcileFixture({
      minReplicas: 4,
      version: "1.1.0",
      steps: [{ setWeight: 10 }, { setWeight: 40, pause: {} }, { setWeight: 100 }],
      status: {
        activeTrack: "blue",
        stableRevision: R1,
        canaryRevision: R2,
        currentStepIndex: 1,
        stepStartedAt: "2029-12-31T23:59:00.000Z",
        analysis: { successes: 1, failures: 0, inconclusives: 0, lastMeasurements: [] },
      },
      tracks: { blue: { version: "1.0.0", replicas: 4 }, green: { version: "1.1.0", replicas: 2 } },
      weights: { blue: 60, green: 40 },
    });
    fixture.release("1.2.0");
    const pass = await fixture.reconcile();
    expect(pass.facts).toEqual({
      observedGeneration: 2,
      canaryRevision: R3,
      currentStepIndex: 0,
      stepStartedAt: null,
      analysis: { successes: 0 },
      weights: { blue: 100, green: 0 },
      phase: "Progressing",
      message: "step 1/3: 10% to green; blue 100% / green 0%",
    });
    expect(pass.events).toEqual([
      { type: "Normal", reason: "ReleaseSuperseded", message: `revision ${R2} superseded by ${R3}` },
      { type: "Normal", reason: "ReleaseStarted", message: `releasing revision ${R3} on track green` },
    ]);
    expect(pass.decisions.map((decision) => [decision.decision, decision.revision, decision.reason])).toEqual(
      [
        ["supersede", R2, `revision ${R3} arrived during the release`],
        ["start", R3, `new revision ${R3} (stable ${R1})`],
      ],
    );
    // Never a template swap under traffic: the route reads back 0 on green before green changes.
    expect(pass.timeline).toEqual([
      "router reconcile",
      "router setWeights 100/0",
      "router getWeights",
      `replace Deployment ingest-green (replicas 1, revision ${R3})`,
    ]);
    expect(pass.status.stableRevision).toBe(R1);
  });

  it("cancels the release when the template goes back to the stable revision", async () => {
    const fixture = new ReconcileFixture({
      minReplicas: 2,
      version: "1.1.0",
      steps: [{ setWeight: 30, pause: {} }, { setWeight: 100 }],
      status: {
        activeTrack: "blue",
        stableRevision: R1,
        canaryRevision: R2,
        currentStepIndex: 0,
        stepStartedAt: "2029-12-31T23:59:00.000Z",
      },
      tracks: { blue: { version: "1.0.0", replicas: 2 }, green: { version: "1.1.0", replicas: 1 } },
      weights: { blue: 70, green: 30 },
    });
    fixture.release("1.0.0");
    const pass = await fixture.reconcile();
    expect(pass.facts).toEqual({
      observedGeneration: 2,
      canaryRevision: null,
      currentStepIndex: null,
      stepStartedAt: null,
      weights: { blue: 100, green: 0 },
      phase: "Healthy",
      message: `revision ${R1} stable on blue; blue 100% / green 0%`,
    });
    expect(pass.events).toEqual([
      {
        type: "Normal",
        reason: "ReleaseCancelled",
        message: `revision ${R2} cancelled: template reverted to ${R1}`,
      },
    ]);
    expect(pass.decisions.map((decision) => decision.decision)).toEqual(["cancel"]);
    expect(pass.timeline).toEqual([
      "router reconcile",
      "router setWeights 100/0",
      "router getWeights",
      'patch Deployment ingest-green {"spec":{"replicas":0}}',
      'apply Service ingest-preview {"selector":{"agent":"ingest","track":"blue"}}',
    ]);
  });

  it("keeps an aborted revision aborted, and a newer one clears the abort and starts afresh", async () => {
    const aborted: FixtureOptions = {
      minReplicas: 2,
      version: "1.1.0",
      status: { activeTrack: "blue", stableRevision: R1, abortedRevision: R2 },
      tracks: { blue: { version: "1.0.0", replicas: 2 }, green: { version: "1.1.0", replicas: 0 } },
    };
    const still = await new ReconcileFixture(aborted).reconcile();
    expect(still.decisions).toEqual([]);
    expect(still.facts).toMatchObject({ phase: "Degraded" });
    expect(still.timeline).toEqual(["router reconcile"]);

    const fixture = new ReconcileFixture(aborted);
    fixture.release("1.2.0");
    const pass = await fixture.reconcile();
    expect(pass.facts).toMatchObject({
      canaryRevision: R3,
      currentStepIndex: 0,
      abortedRevision: null,
      phase: "Progressing",
    });
    expect(pass.conditions.Degraded).toBe(`False ReleaseStarted: releasing revision ${R3}`);
    expect(pass.decisions.map((decision) => decision.decision)).toEqual(["start"]);
  });
});
