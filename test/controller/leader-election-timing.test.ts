/**
 * The leader election's timing, exactly: two `LeaderElector`s on an in-memory Lease under fake
 * timers, so "a standby takes over within lease + retry periods" and "a leader that cannot renew
 * stops before anyone else starts" are checked to the millisecond, on any machine. The real
 * replicas over HTTP are in leader-election.test.ts.
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "../../src/controller/clock.ts";
import type { Cluster, KubeObject } from "../../src/controller/kube/cluster.ts";
import { KubeApiError } from "../../src/controller/kube/errors.ts";
import { LeaderElector } from "../../src/controller/leader/leaderElection.ts";

const LEASE_MS = 1000;
const RENEW_DEADLINE_MS = 700;
const RETRY_MS = 150;
/** Fake time advances in steps this small, checking who leads after each. */
const STEP_MS = 5;

/** One Lease with resourceVersion preconditions, as the API server keeps it; `refuse` fails a writer's calls. */
class LeaseStore {
  lease: KubeObject | undefined;
  version = 0;
  readonly refuse = new Set<string>();

  clusterFor(identity: string): Cluster {
    const check = () => {
      if (this.refuse.has(identity)) throw new KubeApiError(0, "Unreachable", "connection refused");
    };
    const store = (object: KubeObject) => {
      this.version += 1;
      this.lease = structuredClone({
        ...object,
        metadata: { ...object.metadata, resourceVersion: `${this.version}` },
      });
      return structuredClone(this.lease);
    };
    const unsupported = () => Promise.reject(new Error("not used by leader election"));
    return {
      get: async () => {
        check();
        return this.lease ? structuredClone(this.lease) : undefined;
      },
      create: async (object) => {
        check();
        if (this.lease) throw new KubeApiError(409, "AlreadyExists", "exists");
        return store(object);
      },
      replace: async (object) => {
        check();
        if (object.metadata.resourceVersion !== this.lease?.metadata.resourceVersion)
          throw new KubeApiError(409, "Conflict", "stale resourceVersion");
        return store(object);
      },
      list: unsupported,
      patch: unsupported,
      patchStatus: unsupported,
      apply: unsupported,
      replaceScale: unsupported,
      watch: unsupported,
    };
  }

  renewTime(): number {
    return Date.parse((this.lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? "");
  }
}

const fakeTimeClock: Clock = {
  now: () => Date.now(),
  delayUntil: (at) => Math.max(0, at - Date.now()),
};

interface Replica {
  elector: LeaderElector;
  startedAt: number[];
  stoppedAt: number[];
}

function replica(store: LeaseStore, identity: string): Replica {
  const startedAt: number[] = [];
  const stoppedAt: number[] = [];
  const elector = new LeaderElector({
    cluster: store.clusterFor(identity),
    clock: fakeTimeClock,
    logger: pino({ level: "silent" }),
    namespace: "agent-fleet-system",
    name: "agent-fleet-rollout-controller",
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: RENEW_DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
    onStartedLeading: () => {
      startedAt.push(Date.now());
    },
    onStoppedLeading: () => {
      stoppedAt.push(Date.now());
    },
  });
  return { elector, startedAt, stoppedAt };
}

function expectOneLeaderAtMost(replicas: Replica[]): void {
  expect(replicas.filter((r) => r.elector.isLeader()).length).toBeLessThanOrEqual(1);
}

/** Advances fake time by `ms` in small steps, failing if two replicas ever lead at once. */
async function advance(replicas: Replica[], ms: number): Promise<void> {
  for (let waited = 0; waited < ms; waited += STEP_MS) {
    await vi.advanceTimersByTimeAsync(STEP_MS);
    expectOneLeaderAtMost(replicas);
  }
}

/** Advances fake time in small steps until `done`, failing if two replicas ever lead at once. */
async function advanceUntil(replicas: Replica[], done: () => boolean, limitMs = 10_000): Promise<void> {
  for (let waited = 0; !done(); waited += STEP_MS) {
    if (waited > limitMs) throw new Error(`not done after ${limitMs} ms of fake time`);
    await vi.advanceTimersByTimeAsync(STEP_MS);
    expectOneLeaderAtMost(replicas);
  }
}

describe("leader election timing (fake clock)", () => {
  let store: LeaseStore;
  let replicas: Replica[];
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "Date"],
      now: Date.parse("2030-01-01T00:00:00Z"),
    });
    store = new LeaseStore();
    replicas = [];
  });
  afterEach(async () => {
    for (const r of replicas) {
      const stopping = r.elector.stop(false);
      await vi.runOnlyPendingTimersAsync();
      await stopping;
    }
    vi.useRealTimers();
  });

  it("a crashed leader's standby takes over after the lease duration and within one more retry period", async () => {
    const a = replica(store, "a");
    const b = replica(store, "b");
    replicas.push(a, b);
    a.elector.start();
    await advanceUntil(replicas, () => a.elector.isLeader());
    b.elector.start();
    // While the leader renews, the standby stays one.
    await advance(replicas, 2 * LEASE_MS);
    expect(b.elector.isLeader()).toBe(false);

    // Crash: the leader stops renewing without handing the lease back.
    const stopping = a.elector.stop(false);
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    const lastRenewal = store.renewTime();
    await advanceUntil(replicas, () => b.elector.isLeader());
    const takeover = (b.startedAt[0] ?? 0) - lastRenewal;
    // The standby sees the last renewal at most one retry period late, and checks every retry period.
    expect(takeover).toBeGreaterThanOrEqual(LEASE_MS);
    expect(takeover).toBeLessThanOrEqual(LEASE_MS + 2 * RETRY_MS);
  });

  it("a leader that cannot renew stops acting within the renew deadline, before the standby may start", async () => {
    const a = replica(store, "a");
    const b = replica(store, "b");
    replicas.push(a, b);
    a.elector.start();
    await advanceUntil(replicas, () => a.elector.isLeader());
    b.elector.start();
    await advance(replicas, 3 * RETRY_MS);

    // Cut off from the API server only: the standby still reads the lease, never renewed again.
    store.refuse.add("a");
    const lastRenewal = store.renewTime();
    await advanceUntil(replicas, () => b.elector.isLeader());

    const stepDown = (a.stoppedAt[0] ?? Number.POSITIVE_INFINITY) - lastRenewal;
    expect(stepDown).toBeGreaterThan(RENEW_DEADLINE_MS);
    expect(stepDown).toBeLessThanOrEqual(RENEW_DEADLINE_MS + RETRY_MS);
    expect(a.stoppedAt[0]).toBeLessThan(b.startedAt[0] ?? 0);
    expect((b.startedAt[0] ?? 0) - lastRenewal).toBeGreaterThanOrEqual(LEASE_MS);
  });

  it("a leader that hands the lease back is replaced at the standby's next retry", async () => {
    const a = replica(store, "a");
    const b = replica(store, "b");
    replicas.push(a, b);
    a.elector.start();
    await advanceUntil(replicas, () => a.elector.isLeader());
    b.elector.start();
    await advance(replicas, 3 * RETRY_MS);

    const releasing = a.elector.stop(true);
    await vi.advanceTimersByTimeAsync(0);
    await releasing;
    const releasedAt = Date.now();
    await advanceUntil(replicas, () => b.elector.isLeader());
    expect((b.startedAt[0] ?? 0) - releasedAt).toBeLessThanOrEqual(RETRY_MS);
  });
});
