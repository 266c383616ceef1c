/**
 * Manual actions, decided without I/O: what the CLI writes (planAction) and the one outcome the
 * controller records for each request (applyManualAction), with fixed clocks.
 */
import { describe, expect, it } from "vitest";
import {
  type ActionIntent,
  bindingOf,
  gateFromStepFlag,
  planAction,
} from "../../src/controller/cli/actionPlan.ts";
import type { KubeObject } from "../../src/controller/kube/cluster.ts";
import {
  actionAnnotations,
  type ManualAction,
  readManualAction,
} from "../../src/controller/rollout/actionRequest.ts";
import { applyManualAction, confirmActionTraffic } from "../../src/controller/rollout/actions.ts";
import type { ReconcileContext, TrackState } from "../../src/controller/rollout/context.ts";
import { revisionOf } from "../../src/controller/rollout/revision.ts";
import { GatewayApiRouter } from "../../src/controller/traffic/gatewayApi.ts";
import type { ActionRecord, AgentRolloutSpec, AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import { agentRollout } from "./support/fixtures.ts";

const NOW = Date.parse("2030-01-01T12:00:00Z");
const spec = agentRollout({
  minReplicas: 2,
  steps: [{ setWeight: 20, pause: {} }, { setWeight: 50, pause: {} }, { setWeight: 100 }],
}).spec as AgentRolloutSpec;
const stable = revisionOf({ old: true });
const desired = revisionOf(spec.template);
const atStep1: AgentRolloutStatus = {
  activeTrack: "blue",
  stableRevision: stable,
  canaryRevision: desired,
  currentStepIndex: 0,
  stepStartedAt: "2030-01-01T11:59:00Z",
};

function request(action: ManualAction["action"], extra: Partial<ManualAction> = {}): ManualAction {
  return {
    action,
    id: `${action}-1`,
    by: "bob",
    at: new Date(NOW - 1000).toISOString(),
    supersedes: [],
    ...extra,
  };
}

function rolloutWith(status: AgentRolloutStatus, pending?: ManualAction): KubeObject {
  const rollout = agentRollout({ steps: spec.strategy.canary?.steps }) as KubeObject;
  const annotations = pending
    ? Object.fromEntries(
        Object.entries(actionAnnotations(pending)).filter(
          (entry): entry is [string, string] => entry[1] !== null,
        ),
      )
    : undefined;
  return { ...rollout, metadata: { ...rollout.metadata, annotations }, status };
}

function intent(action: ActionIntent["action"], extra: Partial<ActionIntent> = {}): ActionIntent {
  return { action, id: `${action}-new`, by: "alice", replace: false, explicitGate: undefined, ...extra };
}

function plan(action: ActionIntent["action"], rollout: KubeObject, extra: Partial<ActionIntent> = {}) {
  const wanted = intent(action, extra);
  return planAction(wanted, bindingOf(rollout, wanted.explicitGate), rollout, NOW);
}

describe("planAction (what the CLI writes)", () => {
  it("binds a promote to the revision and the step it read", () => {
    const written = plan("promote", rolloutWith(atStep1));
    expect(written).toMatchObject({
      kind: "write",
      request: { gate: "step-1", revision: desired, supersedes: [] },
    });
    expect(plan("promote", rolloutWith(atStep1), { explicitGate: "step-2" })).toMatchObject({
      request: { gate: "step-2" },
    });
  });

  it("never replaces a pending abort with anything else", () => {
    const pendingAbort = rolloutWith(atStep1, request("abort"));
    for (const action of ["promote", "pause", "resume"] as const) {
      const refused = plan(action, pendingAbort);
      expect(refused.kind).toBe("refuse");
      expect(refused.kind === "refuse" && refused.reason).toContain("abort requested by bob");
      expect(refused.kind === "refuse" && refused.reason).toContain("an abort cannot be replaced");
    }
    // A second abort joins the first; only an explicit --replace re-issues it, recorded.
    expect(plan("abort", pendingAbort)).toMatchObject({ kind: "join", id: "abort-1" });
    expect(plan("abort", pendingAbort, { replace: true })).toMatchObject({
      kind: "write",
      request: {
        supersedes: [{ id: "abort-1", action: "abort", by: "bob" }],
        override: expect.stringContaining("--replace by alice: replaces abort requested by bob"),
      },
    });
  });

  it("lets an abort replace a pending promote, naming what it replaced", () => {
    const earlier = { id: "pause-0", action: "pause" as const, by: "carol" };
    const pendingPromote = rolloutWith(
      atStep1,
      request("promote", { gate: "step-1", supersedes: [earlier] }),
    );
    expect(plan("abort", pendingPromote)).toMatchObject({
      kind: "write",
      request: {
        supersedes: [earlier, { id: "promote-1", action: "promote", by: "bob" }],
        override: undefined,
      },
    });
    expect(plan("pause", pendingPromote).kind).toBe("write");
    expect(plan("resume", pendingPromote).kind).toBe("refuse");
  });

  it("joins a pending promote for the same gate instead of adding a second one", () => {
    const pending = rolloutWith(atStep1, request("promote", { gate: "step-1", revision: desired }));
    expect(plan("promote", pending)).toMatchObject({ kind: "join", id: "promote-1" });
    expect(plan("promote", pending, { explicitGate: "step-2" }).kind).toBe("refuse");
  });

  it("answers a retried promote whose gate was already passed with its recorded outcome", () => {
    const applied: ActionRecord = {
      id: "promote-1",
      action: "promote",
      by: "bob",
      at: new Date(NOW - 5000).toISOString(),
      outcome: "Applied",
      result: "advanced past step 1",
      gate: "step-1",
      revision: desired,
    };
    const after = rolloutWith({
      ...atStep1,
      currentStepIndex: 1,
      lastAction: applied,
      actionHistory: [applied],
    });
    // Read before the first was applied: bound to step 1, which is done.
    const retried = planAction(intent("promote"), { revision: desired, gate: "step-1" }, after, NOW);
    expect(retried).toMatchObject({ kind: "done", record: { id: "promote-1" } });
    // Read after: a promote without --step right after another is refused, with the fix.
    const doubled = plan("promote", after);
    expect(doubled.kind).toBe("refuse");
    expect(doubled.kind === "refuse" && doubled.reason).toContain("applied 5s ago (step 1)");
    expect(doubled.kind === "refuse" && doubled.reason).toContain("promote --step 2");
    expect(plan("promote", after, { explicitGate: "step-2" })).toMatchObject({ kind: "write" });
    const later = rolloutWith({
      ...atStep1,
      currentStepIndex: 1,
      actionHistory: [{ ...applied, at: new Date(NOW - 120_000).toISOString() }],
    });
    expect(plan("promote", later)).toMatchObject({ kind: "write", request: { gate: "step-2" } });
  });

  it("ignores a request the controller has answered or that expired", () => {
    const old = request("abort", { at: new Date(NOW - 16 * 60_000).toISOString() });
    expect(plan("promote", rolloutWith(atStep1, old)).kind).toBe("write");
    const answered: ActionRecord = { ...request("abort"), at: "t", outcome: "Applied", result: "aborted" };
    expect(plan("promote", rolloutWith({ ...atStep1, lastAction: answered }, request("abort"))).kind).toBe(
      "write",
    );
  });

  it("accepts --step as status shows it and nothing else", () => {
    expect(gateFromStepFlag("2")).toBe("step-2");
    expect(gateFromStepFlag("switch")).toBe("switch");
    expect(() => gateFromStepFlag("0")).toThrow(/--step must be a step number/);
    expect(() => gateFromStepFlag("50%")).toThrow(/got "50%"/);
  });

  it("round-trips a request through its annotations", () => {
    const full = request("abort", { supersedes: [{ id: "x", action: "promote", by: "y" }], override: "why" });
    const annotations = Object.fromEntries(
      Object.entries(actionAnnotations(full)).filter((entry): entry is [string, string] => entry[1] !== null),
    );
    expect(readManualAction(annotations)).toEqual(full);
  });
});

function track(revision: string, replicas: number): TrackState {
  return {
    object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } },
    revision,
    replicas,
    readyReplicas: replicas,
  };
}

function context(status: AgentRolloutStatus, pending: ManualAction): ReconcileContext {
  return {
    now: NOW + 3_600_000, // the release clock may run ahead; requests are judged on wall time
    wallNow: NOW,
    key: { namespace: "ns", name: "ingest" },
    rollout: rolloutWith(status, pending),
    spec,
    desiredRevision: desired,
    desiredReplicas: 2,
    router: new GatewayApiRouter({} as never),
    owner: { apiVersion: "v", kind: "AgentRollout", name: "ingest", uid: "u" },
    original: status,
    status: structuredClone(status),
    tracks: { blue: track(stable, 2), green: track(desired, 1) },
    weights: { blue: 80, green: 20 },
    events: [],
    decisions: [],
    wakeAt: undefined,
    problems: [],
  };
}

describe("applyManualAction (the one recorded outcome)", () => {
  it("applies a promote bound to the current gate: status, an Event and an audit decision", () => {
    const ctx = context(atStep1, request("promote", { gate: "step-1", revision: desired }));
    applyManualAction(ctx);
    expect(ctx.status.currentStepIndex).toBe(1);
    expect(ctx.status.lastAction).toMatchObject({ id: "promote-1", outcome: "Applied", gate: "step-1" });
    expect(ctx.status.actionHistory).toHaveLength(1);
    expect(ctx.events.filter((e) => e.reason.startsWith("ManualAction"))).toEqual([
      expect.objectContaining({ type: "Normal", reason: "ManualActionApplied" }),
    ]);
    expect(ctx.decisions.filter((d) => d.decision === "manual-promote")).toEqual([
      expect.objectContaining({ actor: "bob", reason: "Applied: advanced past step 1" }),
    ]);
    // Taken up once: a second pass over the same request changes nothing.
    const again = context(ctx.status, request("promote", { gate: "step-1", revision: desired }));
    applyManualAction(again);
    expect(again.status).toEqual(ctx.status);
    expect(again.events).toEqual([]);
  });

  it("refuses a promote for a gate already passed, changing nothing else", () => {
    const atStep2 = { ...atStep1, currentStepIndex: 1 };
    const ctx = context(atStep2, request("promote", { gate: "step-1", revision: desired }));
    applyManualAction(ctx);
    expect(ctx.status.currentStepIndex).toBe(1);
    expect(ctx.status.lastAction).toMatchObject({ outcome: "Refused" });
    expect(ctx.status.lastAction?.result).toBe(
      "stale: the promote was for step 1, the release is at step 2; nothing changed",
    );
    expect(ctx.events.map((e) => [e.type, e.reason])).toEqual([["Warning", "ManualActionRefused"]]);
    const { lastAction: _a, actionHistory: _h, ...rest } = ctx.status;
    expect(rest).toEqual(atStep2);
  });

  it("refuses a promote for another revision and one that names no gate", () => {
    const other = context(atStep1, request("promote", { gate: "step-1", revision: "0000000000" }));
    applyManualAction(other);
    expect(other.status.lastAction?.result).toContain("revision 0000000000 is no longer the one releasing");
    const unbound = context(atStep1, request("promote"));
    applyManualAction(unbound);
    expect(unbound.status).toMatchObject({ currentStepIndex: 0, lastAction: { outcome: "Refused" } });
    expect(unbound.status.lastAction?.result).toContain("does not name the gate");
  });

  it("records the requests an abort replaced as Superseded, then applies the abort", () => {
    const abort = request("abort", {
      id: "abort-2",
      supersedes: [
        { id: "promote-1", action: "promote", by: "bob" },
        { id: "pause-1", action: "pause", by: "carol" },
      ],
    });
    const ctx = context(atStep1, abort);
    applyManualAction(ctx);
    expect(ctx.status.actionHistory?.map((r) => [r.id, r.outcome])).toEqual([
      ["promote-1", "Superseded"],
      ["pause-1", "Superseded"],
      ["abort-2", "Applied"],
    ]);
    expect(ctx.status.actionHistory?.[0]?.result).toBe("superseded by abort abort-2 from bob");
    expect(ctx.status).toMatchObject({
      abortedRevision: desired,
      abortedBy: "bob",
      lastAction: { id: "abort-2" },
    });
    expect(ctx.events.map((e) => e.reason).filter((r) => r.startsWith("ManualAction"))).toEqual([
      "ManualActionSuperseded",
      "ManualActionSuperseded",
      "ManualActionApplied",
    ]);
  });

  it("names an explicit override, refuses an expired request and keeps ten outcomes", () => {
    const replaced = context(
      atStep1,
      request("abort", {
        id: "abort-2",
        supersedes: [{ id: "abort-1", action: "abort", by: "bob" }],
        override: "--replace by alice",
      }),
    );
    applyManualAction(replaced);
    expect(replaced.status.actionHistory?.[0]?.result).toContain("(explicit override: --replace by alice)");

    const expired = context(atStep1, request("abort", { at: new Date(NOW - 16 * 60_000).toISOString() }));
    applyManualAction(expired);
    expect(expired.status.abortedRevision).toBeUndefined();
    expect(expired.status.lastAction).toMatchObject({
      outcome: "Refused",
      result: expect.stringContaining("older than 15 minutes"),
    });

    const history = Array.from(
      { length: 10 },
      (_, i): ActionRecord => ({
        id: `old-${i}`,
        action: "pause",
        by: "x",
        at: "t",
        outcome: "Applied",
        result: "paused",
      }),
    );
    const full = context({ ...atStep1, actionHistory: history }, request("pause"));
    applyManualAction(full);
    expect(full.status.actionHistory).toHaveLength(10);
    expect(full.status.actionHistory?.[0]?.id).toBe("old-1");
    expect(full.status.actionHistory?.at(-1)?.id).toBe("pause-1");
  });

  it("confirms an applied action only once the router's read-back shows its weights", () => {
    const ctx = context(atStep1, request("abort"));
    applyManualAction(ctx);
    expect(ctx.status.lastAction?.target).toEqual({ blue: 100, green: 0 });
    confirmActionTraffic(ctx); // the router still reads 80/20
    expect(ctx.status.lastAction?.confirmedAt).toBeUndefined();
    ctx.weights = { blue: 100, green: 0 };
    confirmActionTraffic(ctx);
    expect(ctx.status.lastAction?.confirmedAt).toBe(new Date(NOW).toISOString());
    expect(ctx.status.actionHistory?.at(-1)?.confirmedAt).toBe(ctx.status.lastAction?.confirmedAt);

    const promoted = context(atStep1, request("promote", { gate: "step-1", revision: desired }));
    applyManualAction(promoted);
    expect(promoted.status.lastAction?.target).toEqual({ blue: 50, green: 50 });
    const paused = context(atStep1, request("pause"));
    applyManualAction(paused);
    expect(paused.status.lastAction?.target).toBeUndefined();
  });
});
