/** The release recorder on a scripted canary that aborts: timeline, events and milestones. */
import { describe, expect, it } from "vitest";
import type { AgentRolloutStatus, Measurement } from "../../src/crd/agentRollout.ts";
import type { RequestSample } from "../../src/sandbox/infra/load.ts";
import { parseReleaseReport, type ReleaseReportInput } from "../../src/sandbox/report/index.ts";
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

/** A report around what the recorder saw, as a release run writes it. */
function reportOf(recorder: ReleaseRecorder): ReleaseReportInput {
  return {
    title: "ingest 1.5.0",
    namespace: "data-processing",
    agent: "ingest",
    strategy: "canary",
    startedAt: T0,
    finishedAt: T0 + 3 * TICK,
    timeline: recorder.timeline,
    analyses: recorder.analyses,
    phaseChanges: recorder.phaseChanges,
  };
}

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

  it("keeps the statistics behind each evidence look's verdict, once per look, and none for a value check", () => {
    const recorder = new ReleaseRecorder(healthy, TICK);
    const look = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
    const gathering = {
      metric: "error-rate",
      phase: "Inconclusive",
      value: 0,
      message: "error-rate: not enough evidence yet",
      at: look(1),
      inconclusiveReason: "NotEnoughEvidence",
      samples: { canary: 120 },
      canaryValue: 0,
      statistic: 0,
      limit: 0.01,
      interval: { lower: 0, upper: 0.031 },
      confidence: 0.95,
    } as const;
    const failed = {
      metric: "error-rate-vs-stable",
      phase: "Failed",
      value: 0.021,
      message: "error-rate-vs-stable = 0.021 (must be <= 0.01)",
      at: look(2),
      samples: { canary: 1200.6, stable: 1180 },
      canaryValue: 0.025,
      stableValue: 0.004,
      statistic: 0.021,
      limit: 0.01,
      interval: { lower: 0.0093, upper: 0.034 },
      confidence: 0.95,
    } as const;
    const dataQuality = {
      metric: "data-quality",
      phase: "Successful",
      value: 0.998,
      message: "data-quality = 0.998",
      at: look(1),
    } as const;
    const analysing = (lastMeasurements: Measurement[]): AgentRolloutStatus => ({
      ...healthy,
      phase: "Analysing",
      canaryRevision: "r2",
      analysis: { ...counts, lastMeasurements },
    });
    // The first look is read twice before the next one replaces it.
    recorder.record(T0 + TICK, analysing([gathering, dataQuality]), []);
    recorder.record(T0 + 2 * TICK, analysing([gathering, dataQuality]), []);
    recorder.record(T0 + 3 * TICK, analysing([failed, dataQuality]), []);

    const { at: _gatheringAt, ...gatheringEntry } = gathering;
    const { at: _failedAt, ...failedEntry } = failed;
    expect(recorder.analyses).toStrictEqual([
      { ...gatheringEntry, t: T0 + 1000 },
      {
        t: T0 + 1000,
        metric: "data-quality",
        phase: "Successful",
        value: 0.998,
        message: "data-quality = 0.998",
      },
      { ...failedEntry, t: T0 + 2000 },
    ]);
    // The recorded report checks: the evidence fields are what the report schema expects.
    expect(() => parseReleaseReport(reportOf(recorder))).not.toThrow();
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
