/**
 * Drives one release in the sandbox and records it: puts the new version in the AgentRollout,
 * keeps bounded load on the agent's gateway frontend, samples the rollout status and the load
 * every half second, and stops when the controller reaches an outcome (promoted or aborted).
 */
import { KINDS } from "../../controller/kube/cluster.ts";
import { trackName } from "../../controller/rollout/tracks.ts";
import type { AgentRolloutStatus, Measurement } from "../../crd/agentRollout.ts";
import { type LoadRun, percentile, type RequestSample, startLoad } from "../infra/load.ts";
import { versionOfImage } from "../kubelet/podSpec.ts";
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
  /** Requests the load generator did not send because all its connections were busy. */
  skipped: number;
  /** When traffic was back on stable after an abort (first sample with 0% on the new track). */
  abortedAt?: number;
  /** When the new version first received traffic. */
  firstTrafficAt?: number;
  /** When the outcome was seen (the last timeline point); undefined when the release timed out. */
  outcomeAt?: number;
  finalStatus: AgentRolloutStatus;
}

export interface ReleaseRunOptions {
  ratePerSecond?: number;
  timeoutMs?: number;
  /**
   * Keep the load running at least this long after the release started, e.g. through a
   * blue-green scale-down delay or until enough requests went through. @default 0
   */
  minDurationMs?: number;
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
/** Load and sampling kept running after the outcome: requests then show where traffic went. */
const TAIL_MS = 2000;
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

/**
 * The version the stable track runs: its Deployment's image (after an aborted release the
 * AgentRollout's template still names the aborted version).
 */
export async function stableVersion(sandbox: Sandbox, agent: string): Promise<string | undefined> {
  const { object, status } = await sandbox.rollout(agent);
  const track = await sandbox.cluster.get(KINDS.deployment, {
    namespace: object.metadata.namespace ?? "",
    name: trackName(agent, status.activeTrack ?? "blue"),
  });
  const template = (
    track?.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined
  )?.template;
  const image = template?.spec?.containers?.[0]?.image;
  return image ? versionOfImage(image) : undefined;
}

/** The track the release brings the new version up on: the one idle when it started. */
function newTrackOf(before: AgentRolloutStatus): "blue" | "green" {
  return before.activeTrack === "green" ? "blue" : "green";
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
  const timeoutMs = options.timeoutMs ?? 180_000;
  const minDurationMs = options.minDurationMs ?? 0;
  const before = await sandbox.rollout(step.agent);
  const load: LoadRun = startLoad({
    url: `${sandbox.frontendUrl(step.agent)}/records`,
    ratePerSecond: options.ratePerSecond ?? 40,
    durationMs: Math.max(timeoutMs, minDurationMs) + TAIL_MS,
    maxConcurrency: 64,
  });
  let status = before.status;
  const strategyKind = Object.keys((before.object.spec as { strategy: object }).strategy)[0] ?? "";
  const stopProbe =
    strategyKind === "blueGreen"
      ? startPreviewProbe(sandbox, step.agent, () => status.activeTrack)
      : async () => undefined;
  const report: ReleaseReportInput = {
    title: `${step.agent} → ${step.version}`,
    namespace: before.object.metadata.namespace ?? "",
    agent: step.agent,
    strategy: strategyKind,
    fromVersion: await stableVersion(sandbox, step.agent),
    toVersion: step.version,
    startedAt,
    finishedAt: startedAt,
    timeline: [],
  };
  let outcome: Outcome | undefined;
  let firstTrafficAt: number | undefined;
  let abortedAt: number | undefined;
  let outcomeAt: number | undefined;
  try {
    await sandbox.release(step.agent, step.version);
    const analyses: NonNullable<ReleaseReportInput["analyses"]> = [];
    const phaseChanges: NonNullable<ReleaseReportInput["phaseChanges"]> = [];
    report.analyses = analyses;
    report.phaseChanges = phaseChanges;
    const seen = new Set((before.status.analysis?.lastMeasurements ?? []).map((m) => `${m.metric}@${m.at}`));
    const newTrack = newTrackOf(before.status);
    let previousPhase = before.status.phase;
    let started = false;
    let duringDone = !step.during;
    // Until the outcome (after an abort: until the new track's weight reads 0), then on through
    // the tail, so the timeline shows where traffic went; the load runs as long.
    let endAt = startedAt + timeoutMs;
    let tail = false;
    while (Date.now() < endAt) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      const now = Date.now();
      try {
        status = (await sandbox.rollout(step.agent)).status;
      } catch {
        continue; // the API may be briefly unavailable in fault scenarios
      }
      started ||= Boolean(status.canaryRevision) || status.phase !== before.status.phase;
      // Fixed at the start: after a blue-green switch or a promotion the new track is the active one.
      const weight = status.weights?.[newTrack] ?? 0;
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
      if (!duringDone && !outcome && step.during) duringDone = await step.during(sandbox, status);
      if (!outcome) {
        outcome = isFinished(status, started);
        if (outcome) outcomeAt = now;
      }
      if (outcome === "aborted" && abortedAt === undefined && weight === 0) abortedAt = now;
      if (outcome && !tail && (outcome !== "aborted" || abortedAt !== undefined)) {
        tail = true;
        endAt = Math.max(now + TAIL_MS, startedAt + minDurationMs);
      }
    }
  } catch (error) {
    // Never leave load running against the sandbox when the run fails.
    await load.stop();
    await stopProbe();
    throw error;
  }
  const result = await load.stop();
  await stopProbe();
  report.finishedAt = Date.now();
  report.outcome = outcome ?? "timed out";
  report.load = {
    requests: result.samples.length,
    failed: result.samples.filter((sample) => !sample.ok).length,
  };
  return {
    step,
    outcome: outcome ?? "timed out",
    durationMs: report.finishedAt - startedAt,
    report,
    samples: result.samples,
    skipped: result.skipped,
    abortedAt,
    firstTrafficAt,
    outcomeAt,
    finalStatus: status,
  };
}
