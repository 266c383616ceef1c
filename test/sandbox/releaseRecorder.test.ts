/** The release recorder on a scripted canary that aborts: timeline, events and milestones. */
import { describe, expect, it } from "vitest";
import type { AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import type { RequestSample } from "../../src/sandbox/infra/load.ts";
import { ReleaseRecorder } from "../../src/sandbox/scenarios/releaseRecorder.ts";

const T0 = 1_800_000_000_000;
const TICK = 500;

function samples(
  from: number,
  count: number,
  track: string,
  ok: (index: number) => boolean,
): RequestSample[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    at: from + index * (TICK / count),
    latencyMs: 4 + index,
    ok: ok(index),
    status: ok(index) ? 200 : 500,
    track,
  }));
}

const counts = { successes: 0, failures: 0, inconclusives: 0 };

const healthy: AgentRolloutStatus = {
  phase: "Healthy",
  activeTrack: "blue",
  weights: { blue: 100, green: 0 },
  analysis: {
    lastMeasurements: [{ metric: "error-rate", phase: "Successful", value: 0, at: "2026-01-01T00:00:00Z" }],
  },
} as AgentRolloutStatus;

describe("release recorder", () => {
  it("records a canary that aborts: points per tick, new measurements once, phase changes, milestones", () => {
    const recorder = new ReleaseRecorder(healthy, TICK);
    expect(recorder.newTrack).toBe("green");
    const failing = {
      metric: "error-rate",
      phase: "Failed",
      value: 0.3,
      at: new Date(T0 + 1200).toISOString(),
    } as const;
    const ticks: Array<[AgentRolloutStatus, RequestSample[]]> = [
      // Nothing started yet: the same phase, no canary revision.
      [healthy, samples(T0 - TICK, 10, "blue", () => true)],
      [
        { ...healthy, phase: "Progressing", canaryRevision: "r2", weights: { blue: 95, green: 5 } },
        [...samples(T0, 9, "blue", () => true), ...samples(T0 + 10, 1, "green", () => false)],
      ],
      [
        {
          ...healthy,
          phase: "Degraded",
          canaryRevision: "r2",
          weights: { blue: 95, green: 5 },
          message: "analysis failed: error-rate",
          analysis: {
            ...counts,
            lastMeasurements: [...(healthy.analysis?.lastMeasurements ?? []), failing],
          },
        },
        samples(T0 + TICK, 10, "blue", () => true),
      ],
      [
        {
          ...healthy,
          phase: "Degraded",
          weights: { blue: 100, green: 0 },
          analysis: { ...counts, lastMeasurements: [failing] },
        },
        samples(T0 + 2 * TICK, 10, "blue", () => true),
      ],
    ];
    const settled: boolean[] = [];
    let all: RequestSample[] = [];
    ticks.forEach(([status, tickSamples], index) => {
      all = [...all, ...tickSamples];
      const now = T0 + index * TICK;
      recorder.record(now, status, all);
      settled.push(recorder.settle(now, status));
    });

    expect(recorder.timeline.map((point) => point.weights.green)).toEqual([0, 5, 5, 0]);
    // Each point covers the tick before it: the canary's one failed request shows at the 5% step.
    expect(recorder.timeline[1]).toMatchObject({
      requestRate: 20,
      errorRate: 0.1,
      served: { blue: 0.9, green: 0.1 },
    });
    expect(recorder.timeline[2]).toMatchObject({
      requestRate: 20,
      errorRate: 0,
      served: { blue: 1, green: 0 },
    });
    // The measurement known before the release is not repeated; the failing one is recorded once.
    expect(recorder.analyses).toEqual([
      { t: T0 + 1200, metric: "error-rate", phase: "Failed", value: 0.3, message: undefined },
    ]);
    expect(recorder.phaseChanges.map((change) => [change.from, change.to, change.reason])).toEqual([
      ["Healthy", "Progressing", "Progressing"],
      ["Progressing", "Degraded", "analysis failed: error-rate"],
    ]);
    expect(recorder.firstTrafficAt).toBe(T0 + TICK);
    expect(recorder).toMatchObject({
      outcome: "aborted",
      outcomeAt: T0 + 2 * TICK,
      abortedAt: T0 + 3 * TICK,
    });
    // Settled only once the new track's weight reads back 0.
    expect(settled).toEqual([false, false, false, true]);
  });

  it("is settled at once on promotion and never before the release started", () => {
    const recorder = new ReleaseRecorder(healthy, TICK);
    expect(recorder.settle(T0, healthy)).toBe(false);
    const promoted = {
      ...healthy,
      activeTrack: "green",
      weights: { blue: 0, green: 100 },
    } as AgentRolloutStatus;
    recorder.record(T0 + TICK, { ...promoted, phase: "Promoting", canaryRevision: "r2" }, []);
    expect(recorder.settle(T0 + TICK, { ...promoted, phase: "Promoting", canaryRevision: "r2" })).toBe(false);
    recorder.record(T0 + 2 * TICK, promoted, []);
    expect(recorder.settle(T0 + 2 * TICK, promoted)).toBe(true);
    expect(recorder).toMatchObject({ outcome: "promoted", outcomeAt: T0 + 2 * TICK, abortedAt: undefined });
  });
});
