/** The pure parts of the release state machine: phases, weights, track sizes, verdicts, patches. */
import { describe, expect, it } from "vitest";
import { addTick, analysisVerdict, measure, tickVerdict } from "../../src/controller/analysis/evaluate.ts";
import type { ReconcileContext, TrackState } from "../../src/controller/rollout/context.ts";
import { derivePhase } from "../../src/controller/rollout/phase.ts";
import { revisionOf } from "../../src/controller/rollout/revision.ts";
import { mergePatchBetween } from "../../src/controller/rollout/status.ts";
import { planTracks } from "../../src/controller/rollout/tracks.ts";
import { desiredWeights } from "../../src/controller/rollout/weights.ts";
import { GatewayApiRouter } from "../../src/controller/traffic/gatewayApi.ts";
import type { AgentRolloutSpec, AgentRolloutStatus, Condition } from "../../src/crd/agentRollout.ts";
import { agentRollout, analysis } from "./support/fixtures.ts";

const spec = agentRollout({
  minReplicas: 4,
  steps: [{ setWeight: 10 }, { setWeight: 50, pause: {} }, { setWeight: 100 }],
}).spec as AgentRolloutSpec;
const stable = revisionOf({ old: true });
const desired = revisionOf(spec.template);
const available: Condition = {
  type: "Available",
  status: "True",
  reason: "r",
  message: "m",
  lastTransitionTime: "t",
};

function track(revision: string, replicas: number, ready = replicas): TrackState {
  return {
    object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } },
    revision,
    replicas,
    readyReplicas: ready,
  };
}

function context(status: AgentRolloutStatus, extra: Partial<ReconcileContext> = {}): ReconcileContext {
  return {
    now: Date.parse("2030-01-01T00:00:00Z"),
    wallNow: Date.parse("2030-01-01T00:00:00Z"),
    key: { namespace: "ns", name: "ingest" },
    rollout: { apiVersion: "agentfleet.dev/v1alpha1", kind: "AgentRollout", metadata: { name: "ingest" } },
    spec,
    desiredRevision: desired,
    desiredReplicas: 4,
    // Pure decisions never call the router's cluster.
    router: new GatewayApiRouter({} as never),
    owner: { apiVersion: "v", kind: "AgentRollout", name: "ingest", uid: "u" },
    original: status,
    status,
    tracks: { blue: track(stable, 4), green: track(desired, 1) },
    weights: { blue: 100, green: 0 },
    events: [],
    decisions: [],
    wakeAt: undefined,
    problems: [],
    ...extra,
  };
}

const releasing: AgentRolloutStatus = {
  activeTrack: "blue",
  stableRevision: stable,
  canaryRevision: desired,
  currentStepIndex: 0,
};

describe("derivePhase", () => {
  it("reads the phase off the status facts", () => {
    expect(derivePhase(spec, {})).toBe("Pending");
    expect(derivePhase(spec, { ...releasing })).toBe("Progressing");
    expect(derivePhase(spec, { ...releasing, stepStartedAt: "t" })).toBe("Analysing");
    const passed = { successes: 1, failures: 0, inconclusives: 0, lastMeasurements: [] };
    expect(
      derivePhase(spec, { ...releasing, currentStepIndex: 1, stepStartedAt: "t", analysis: passed }),
    ).toBe("Paused");
    expect(derivePhase(spec, { ...releasing, pause: { reason: "UserPaused", since: "t" } })).toBe("Paused");
    expect(derivePhase(spec, { activeTrack: "green", stableRevision: desired, scaleDownAt: "t" })).toBe(
      "Promoting",
    );
    expect(derivePhase(spec, { activeTrack: "blue", stableRevision: stable, abortedRevision: desired })).toBe(
      "Degraded",
    );
    expect(
      derivePhase(spec, {
        activeTrack: "blue",
        stableRevision: stable,
        abortedRevision: desired,
        abortedBy: "alice",
      }),
    ).toBe("Aborted");
    expect(derivePhase(spec, { activeTrack: "green", stableRevision: desired })).toBe("Progressing");
    expect(
      derivePhase(spec, { activeTrack: "green", stableRevision: desired, conditions: [available] }),
    ).toBe("Healthy");
  });
});

describe("desiredWeights", () => {
  it("gives the canary its step share only once it has the pods for it", () => {
    expect(desiredWeights(context({ ...releasing }))).toEqual({ blue: 90, green: 10 });
    const atFifty = { ...releasing, currentStepIndex: 1 };
    const notReady = context(atFifty, {
      weights: { blue: 90, green: 10 },
      tracks: { blue: track(stable, 4), green: track(desired, 2, 1) },
    });
    expect(desiredWeights(notReady)).toEqual({ blue: 90, green: 10 });
    const ready = context(atFifty, {
      weights: { blue: 90, green: 10 },
      tracks: { blue: track(stable, 4), green: track(desired, 2) },
    });
    expect(desiredWeights(ready)).toEqual({ blue: 50, green: 50 });
  });

  it("returns everything to stable at once after an abort, whatever the canary's state", () => {
    const aborted = { activeTrack: "blue" as const, stableRevision: stable, abortedRevision: desired };
    expect(
      desiredWeights(
        context(aborted, {
          weights: { blue: 50, green: 50 },
          tracks: { blue: track(stable, 4, 2), green: track(desired, 2) },
        }),
      ),
    ).toEqual({ blue: 100, green: 0 });
  });

  it("holds the weights while paused and gives a superseded canary nothing", () => {
    const paused = { ...releasing, pause: { reason: "UserPaused" as const, since: "t" } };
    expect(desiredWeights(context(paused, { weights: { blue: 90, green: 10 } }))).toEqual({
      blue: 90,
      green: 10,
    });
    const superseded = context(
      { ...releasing },
      { weights: { blue: 90, green: 10 }, tracks: { blue: track(stable, 4), green: track("older", 1) } },
    );
    expect(desiredWeights(superseded)).toEqual({ blue: 100, green: 0 });
  });
});

describe("planTracks", () => {
  it("keeps the stable track at full size and sizes the canary by its step", () => {
    expect(planTracks(context({ ...releasing }))).toEqual({
      blue: { replicas: 4, desiredTemplate: false },
      green: { replicas: 1, desiredTemplate: true },
    });
    expect(planTracks(context({ ...releasing, currentStepIndex: 1 })).green.replicas).toBe(2);
  });

  it("scales an idle track to 0 only when the router reads back no traffic on it", () => {
    const done = { activeTrack: "blue" as const, stableRevision: stable, abortedRevision: desired };
    expect(planTracks(context(done, { weights: { blue: 90, green: 10 } })).green.replicas).toBe(1);
    expect(planTracks(context(done, { weights: undefined })).green.replicas).toBe(1);
    expect(planTracks(context(done, { weights: { blue: 100, green: 0 } })).green.replicas).toBe(0);
  });
});

describe("analysis verdicts", () => {
  const metric = analysis().metrics[0];
  if (!metric) throw new Error("no metric");
  it("never counts missing data as success", () => {
    expect(measure(metric, { kind: "noData", message: "none" }, "inconclusive", "t").phase).toBe(
      "Inconclusive",
    );
    expect(measure(metric, { kind: "noData", message: "none" }, "failure", "t").phase).toBe("Failed");
    expect(measure(metric, { kind: "rejected", message: "bad" }, "inconclusive", "t").phase).toBe(
      "Inconclusive",
    );
    expect(tickVerdict([])).toBe("Inconclusive");
  });

  it("applies failureLimit and inconclusiveLimit as tolerated counts", () => {
    const spec1 = analysis({ count: 2, failureLimit: 1, inconclusiveLimit: 1 });
    let tally = { successes: 0, failures: 0, inconclusives: 0 };
    tally = addTick(tally, "Failed");
    expect(analysisVerdict(spec1, tally)).toBe("Running");
    tally = addTick(tally, "Successful");
    tally = addTick(tally, "Successful");
    expect(analysisVerdict(spec1, tally)).toBe("Passed");
    expect(analysisVerdict(spec1, addTick(tally, "Failed"))).toBe("Failed");
    expect(analysisVerdict(spec1, addTick(addTick(tally, "Inconclusive"), "Inconclusive"))).toBe(
      "Inconclusive",
    );
  });
});

describe("status merge patch", () => {
  it("nulls removed fields and sends only what changed", () => {
    const before = {
      phase: "Analysing",
      canaryRevision: "a",
      analysis: { successes: 1, lastRunAt: "t" },
      weights: { blue: 90, green: 10 },
    };
    const after = { phase: "Healthy", analysis: { successes: 1 }, weights: { blue: 90, green: 10 } };
    expect(mergePatchBetween(before, after)).toEqual({
      phase: "Healthy",
      canaryRevision: null,
      analysis: { lastRunAt: null },
    });
    expect(mergePatchBetween(after, structuredClone(after))).toBeUndefined();
  });
});
