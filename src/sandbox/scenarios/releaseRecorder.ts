/**
 * What a release run records, tick by tick: the timeline (weights, request rate, errors, p95 and
 * who served, from the load samples of the last tick), new analysis measurements and phase
 * changes from the rollout status, and the milestones the run waits for (first traffic on the
 * new track, the outcome, traffic back on stable after an abort). No I/O: the run feeds it.
 */

import { otherTrack } from "../../contract/agentRollout.ts";
import type { AgentRolloutStatus, Measurement } from "../../crd/agentRollout.ts";
import { percentile, type RequestSample } from "../infra/load.ts";
import {
  type AnalysisEntry,
  type AnalysisEvidence,
  EVIDENCE_FIELDS,
  type PhaseChange,
  type TimelinePoint,
} from "../report/index.ts";

export type Outcome = "promoted" | "aborted" | "timed out";

export function windowStats(samples: readonly RequestSample[], from: number, to: number) {
  const inWindow = samples.filter((sample) => sample.at >= from && sample.at < to);
  const failed = inWindow.filter((sample) => !sample.ok).length;
  const served = { blue: 0, green: 0 };
  for (const sample of inWindow)
    if (sample.track === "blue" || sample.track === "green") served[sample.track] += 1;
  const answered = served.blue + served.green;
  return {
    count: inWindow.length,
    errorRate: inWindow.length ? failed / inWindow.length : 0,
    p95: inWindow.length
      ? percentile(
          inWindow.map((sample) => sample.latencyMs),
          0.95,
        ) / 1000
      : null,
    served: answered ? { blue: served.blue / answered, green: served.green / answered } : undefined,
  };
}

// Every evidence look stamps its measurements anew, so metric and time name one look's verdict.
const measurementKey = (measurement: Measurement) => `${measurement.metric}@${measurement.at}`;

/** The statistics an evidence measurement carries; a value check carries none. */
function evidenceOf(measurement: Measurement): AnalysisEvidence {
  const carried = EVIDENCE_FIELDS.filter((field) => measurement[field] !== undefined);
  return Object.fromEntries(carried.map((field) => [field, measurement[field]])) as AnalysisEvidence;
}

export class ReleaseRecorder {
  readonly timeline: TimelinePoint[] = [];
  readonly analyses: AnalysisEntry[] = [];
  readonly phaseChanges: PhaseChange[] = [];
  /** The track the release brings the new version up on: the one idle when it started. */
  readonly newTrack: "blue" | "green";
  started = false;
  outcome: Outcome | undefined;
  outcomeAt: number | undefined;
  firstTrafficAt: number | undefined;
  /** When traffic was back on stable after an abort (first tick with 0% on the new track). */
  abortedAt: number | undefined;
  readonly #before: AgentRolloutStatus;
  readonly #tickMs: number;
  readonly #seen: Set<string>;
  #previousPhase: string | undefined;

  constructor(before: AgentRolloutStatus, tickMs: number) {
    this.#before = before;
    this.#tickMs = tickMs;
    this.newTrack = otherTrack(before.activeTrack);
    this.#seen = new Set((before.analysis?.lastMeasurements ?? []).map(measurementKey));
    this.#previousPhase = before.phase;
  }

  /** Records one tick: a timeline point, new measurements, a phase change, first traffic. */
  record(now: number, status: AgentRolloutStatus, samples: readonly RequestSample[]): void {
    this.started ||= Boolean(status.canaryRevision) || status.phase !== this.#before.phase;
    if (this.#newTrackWeight(status) > 0 && this.firstTrafficAt === undefined) this.firstTrafficAt = now;
    const stats = windowStats(samples, now - this.#tickMs, now);
    this.timeline.push({
      t: now,
      weights: status.weights ?? { blue: 100, green: 0 },
      served: stats.served,
      requestRate: stats.count / (this.#tickMs / 1000),
      errorRate: stats.errorRate,
      p95LatencySeconds: stats.p95,
    });
    for (const measurement of status.analysis?.lastMeasurements ?? []) {
      if (this.#seen.has(measurementKey(measurement))) continue;
      this.#seen.add(measurementKey(measurement));
      this.analyses.push({
        t: Date.parse(measurement.at) || now,
        metric: measurement.metric,
        phase: measurement.phase,
        value: measurement.value,
        message: measurement.message,
        ...evidenceOf(measurement),
      });
    }
    if (status.phase && status.phase !== this.#previousPhase) {
      this.phaseChanges.push({
        t: now,
        from: this.#previousPhase,
        to: status.phase,
        reason: status.message ?? status.phase,
      });
      this.#previousPhase = status.phase;
    }
  }

  /**
   * Notes the outcome once the controller reaches one; true when traffic has settled: promoted,
   * or aborted with the new track's weight read back at 0.
   */
  settle(now: number, status: AgentRolloutStatus): boolean {
    if (!this.outcome && this.started) {
      if (status.phase === "Degraded" || status.phase === "Aborted") this.outcome = "aborted";
      else if (status.phase === "Healthy" && !status.canaryRevision) this.outcome = "promoted";
      if (this.outcome) this.outcomeAt = now;
    }
    if (this.outcome === "aborted" && this.abortedAt === undefined && this.#newTrackWeight(status) === 0) {
      this.abortedAt = now;
    }
    return this.outcome !== undefined && (this.outcome !== "aborted" || this.abortedAt !== undefined);
  }

  #newTrackWeight(status: AgentRolloutStatus): number {
    // Fixed at the start: after a blue-green switch or a promotion the new track is the active one.
    return status.weights?.[this.newTrack] ?? 0;
  }
}
