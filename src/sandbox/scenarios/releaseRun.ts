/**
 * Drives one release in the sandbox and records it: puts the new version in the AgentRollout,
 * keeps bounded load on the agent's gateway frontend, samples the rollout status and the load
 * every half second, and stops when the controller reaches an outcome (promoted or aborted).
 */
import type { AgentRolloutStatus, Measurement } from "../../crd/agentRollout.ts";
import { type LoadRun, percentile, type RequestSample, startLoad } from "../infra/load.ts";
import type { ReleaseReportInput } from "../report/index.ts";
import type { Sandbox } from "../sandbox.ts";

export type Outcome = "promoted" | "aborted" | "timed out";

export interface ReleaseStep {
  agent: string;
  version: string;
  /** What the step expects, for the summary. */
  expect: "promoted" | "aborted";
  /** Runs once, after the release started, e.g. to kill the controller mid-release. */
  during?: (sandbox: Sandbox, status: AgentRolloutStatus) => Promise<boolean>;
}

export interface ReleaseRecord {
  step: ReleaseStep;
  outcome: Outcome;
  durationMs: number;
  report: ReleaseReportInput;
  samples: readonly RequestSample[];
  /** When traffic was back on stable after an abort (first sample with 0% on the new track). */
  abortedAt?: number;
  /** When the new version first received traffic. */
  firstTrafficAt?: number;
  finalStatus: AgentRolloutStatus;
}

export interface ReleaseRunOptions {
  ratePerSecond?: number;
  timeoutMs?: number;
  /** Called with each sampled status, for the live view. */
  onTick?: (tick: ReleaseTick) => void;
}

export interface ReleaseTick {
  step: ReleaseStep;
  status: AgentRolloutStatus;
  elapsedMs: number;
  /** Success rate of the requests answered in the last five seconds. */
  successRate: number | undefined;
  requests: number;
}

const TICK_MS = 500;
const PREVIEW_PROBE_MS = 100;

/**
 * Blue-green pre-promotion analysis judges the idle track before it gets user traffic, so
 * something must exercise it: like a smoke test against `<agent>-preview`, this sends a light
 * stream straight to the idle track's pods. Its requests are not part of the user-traffic samples.
 */
function startPreviewProbe(sandbox: Sandbox, agent: string, activeTrack: () => string | undefined) {
  let stopped = false;
  let turn = 0;
  const loop = (async () => {
    while (!stopped) {
      const idle = sandbox.kubelet.pods(agent).filter((pod) => pod.spec.track !== activeTrack());
      const pod = idle[turn++ % Math.max(1, idle.length)];
      if (pod) {
        await fetch(`${pod.agent.url}/records`, {
          method: "POST",
          body: '{"id":"preview"}',
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, PREVIEW_PROBE_MS));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

function newTrackWeight(status: AgentRolloutStatus): number {
  const stable = status.activeTrack ?? "blue";
  return status.weights ? status.weights[stable === "blue" ? "green" : "blue"] : 0;
}

function isFinished(status: AgentRolloutStatus, started: boolean): Outcome | undefined {
  if (!started) return undefined;
  if (status.phase === "Degraded" || status.phase === "Aborted") return "aborted";
  if (status.phase === "Healthy" && !status.canaryRevision) return "promoted";
  return undefined;
}

function windowStats(samples: readonly RequestSample[], from: number, to: number) {
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

function newMeasurements(status: AgentRolloutStatus, seen: Set<string>): Measurement[] {
  const fresh = (status.analysis?.lastMeasurements ?? []).filter(
    (measurement) => !seen.has(`${measurement.metric}@${measurement.at}`),
  );
  for (const measurement of fresh) seen.add(`${measurement.metric}@${measurement.at}`);
  return fresh;
}

export async function runRelease(
  sandbox: Sandbox,
  step: ReleaseStep,
  options: ReleaseRunOptions = {},
): Promise<ReleaseRecord> {
  const startedAt = Date.now();
  const before = await sandbox.rollout(step.agent);
  const load: LoadRun = startLoad({
    url: `${sandbox.frontendUrl(step.agent)}/records`,
    ratePerSecond: options.ratePerSecond ?? 40,
    durationMs: options.timeoutMs ?? 180_000,
    maxConcurrency: 64,
  });
  let status = before.status;
  const strategyKind = Object.keys((before.object.spec as { strategy: object }).strategy)[0] ?? "";
  const stopProbe =
    strategyKind === "blueGreen"
      ? startPreviewProbe(sandbox, step.agent, () => status.activeTrack)
      : async () => undefined;
  await sandbox.release(step.agent, step.version);
  const report: ReleaseReportInput = {
    title: `${step.agent} → ${step.version}`,
    namespace: before.object.metadata.namespace ?? "",
    agent: step.agent,
    strategy: strategyKind,
    fromVersion: undefined,
    toVersion: step.version,
    startedAt,
    finishedAt: startedAt,
    timeline: [],
  };
  const analyses: NonNullable<ReleaseReportInput["analyses"]> = [];
  const phaseChanges: NonNullable<ReleaseReportInput["phaseChanges"]> = [];
  report.analyses = analyses;
  report.phaseChanges = phaseChanges;
  const seen = new Set((before.status.analysis?.lastMeasurements ?? []).map((m) => `${m.metric}@${m.at}`));
  let previousPhase = before.status.phase;
  let started = false;
  let duringDone = !step.during;
  let outcome: Outcome | undefined;
  let firstTrafficAt: number | undefined;
  let abortedAt: number | undefined;
  while (!outcome && Date.now() - startedAt < (options.timeoutMs ?? 180_000)) {
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    const now = Date.now();
    try {
      status = (await sandbox.rollout(step.agent)).status;
    } catch {
      continue; // the API may be briefly unavailable in fault scenarios
    }
    started ||= Boolean(status.canaryRevision) || status.phase !== before.status.phase;
    const weight = newTrackWeight(status);
    if (weight > 0 && firstTrafficAt === undefined) firstTrafficAt = now;
    const stats = windowStats(load.samples, now - TICK_MS, now);
    const recent = windowStats(load.samples, now - 5000, now);
    report.timeline.push({
      t: now,
      weights: status.weights ?? { blue: 100, green: 0 },
      served: stats.served,
      requestRate: stats.count / (TICK_MS / 1000),
      errorRate: stats.errorRate,
      p95LatencySeconds: stats.p95,
    });
    for (const measurement of newMeasurements(status, seen)) {
      analyses.push({
        t: Date.parse(measurement.at) || now,
        metric: measurement.metric,
        phase: measurement.phase,
        value: measurement.value,
        message: measurement.message,
      });
    }
    if (status.phase && status.phase !== previousPhase) {
      phaseChanges.push({
        t: now,
        from: previousPhase,
        to: status.phase,
        reason: status.message ?? status.phase,
      });
      previousPhase = status.phase;
    }
    options.onTick?.({
      step,
      status,
      elapsedMs: now - startedAt,
      successRate: recent.count ? 1 - recent.errorRate : undefined,
      requests: load.samples.length,
    });
    if (!duringDone && step.during) duringDone = await step.during(sandbox, status);
    outcome = isFinished(status, started);
    if (outcome === "aborted" && abortedAt === undefined && weight === 0) abortedAt = now;
  }
  // Keep load a moment longer: requests after the outcome show where traffic went.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const result = await load.stop();
  await stopProbe();
  report.finishedAt = Date.now();
  report.outcome = outcome ?? "timed out";
  return {
    step,
    outcome: outcome ?? "timed out",
    durationMs: report.finishedAt - startedAt,
    report,
    samples: result.samples,
    abortedAt,
    firstTrafficAt,
    finalStatus: status,
  };
}
