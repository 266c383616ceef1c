/**
 * Drives one release in the sandbox and records it: puts the new version in the AgentRollout,
 * keeps bounded load on the agent's gateway frontend, samples the rollout status and the load
 * every half second, and stops when the controller reaches an outcome (promoted or aborted).
 */

import { FIRST_TRACK } from "../../contract/agentRollout.ts";
import { trackName } from "../../contract/names.ts";
import { KINDS } from "../../controller/kube/cluster.ts";
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { type LoadRun, type RequestSample, startLoad } from "../infra/load.ts";
import { versionOfImage } from "../kubelet/podSpec.ts";
import type { ReleaseReportInput } from "../report/index.ts";
import type { Sandbox } from "../sandbox.ts";
import { type Outcome, ReleaseRecorder, windowStats } from "./releaseRecorder.ts";

export type { Outcome } from "./releaseRecorder.ts";

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
  /**
   * Keep the load running until at least this many requests were answered, however long that
   * takes on a busy machine (bounded by the load's own cap). @default 0
   */
  minRequests?: number;
  /**
   * After traffic settled (the outcome, and after an abort traffic back on stable), keep the load
   * running until at least this many requests were sent, besides the tail's time. @default 0
   */
  tailRequests?: number;
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
/** How much longer than the timeout the load may run to reach `minRequests` / `tailRequests`. */
const REQUEST_GOALS_GRACE_MS = 30_000;
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
    name: trackName(agent, status.activeTrack ?? FIRST_TRACK),
  });
  const template = (
    track?.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined
  )?.template;
  const image = template?.spec?.containers?.[0]?.image;
  return image ? versionOfImage(image) : undefined;
}

function countSentFrom(samples: readonly RequestSample[], from: number): number {
  let count = 0;
  for (const sample of samples) if (sample.at >= from) count += 1;
  return count;
}

function loadCounts(samples: readonly RequestSample[]): ReleaseReportInput["load"] {
  return { requests: samples.length, failed: samples.filter((sample) => !sample.ok).length };
}

export async function runRelease(
  sandbox: Sandbox,
  step: ReleaseStep,
  options: ReleaseRunOptions = {},
): Promise<ReleaseRecord> {
  const startedAt = Date.now();
  const timeoutMs = options.timeoutMs ?? 180_000;
  const minDurationMs = options.minDurationMs ?? 0;
  const goals = { requests: options.minRequests ?? 0, tail: options.tailRequests ?? 0 };
  const before = await sandbox.rollout(step.agent);
  const load: LoadRun = startLoad({
    url: `${sandbox.frontendUrl(step.agent)}/records`,
    ratePerSecond: options.ratePerSecond ?? 40,
    durationMs:
      Math.max(timeoutMs, minDurationMs) +
      TAIL_MS +
      (goals.requests || goals.tail ? REQUEST_GOALS_GRACE_MS : 0),
    maxConcurrency: 64,
  });
  let loadFinished = false;
  void load.done.then(() => {
    loadFinished = true;
  });
  let status = before.status;
  const strategyKind = Object.keys((before.object.spec as { strategy: object }).strategy)[0] ?? "";
  const stopProbe =
    strategyKind === "blueGreen"
      ? startPreviewProbe(sandbox, step.agent, () => status.activeTrack)
      : async () => undefined;
  const recorder = new ReleaseRecorder(before.status, TICK_MS);
  const report: ReleaseReportInput = {
    title: `${step.agent} → ${step.version}`,
    namespace: before.object.metadata.namespace ?? "",
    agent: step.agent,
    strategy: strategyKind,
    fromVersion: await stableVersion(sandbox, step.agent),
    toVersion: step.version,
    startedAt,
    finishedAt: startedAt,
    // The recorder fills these as the release runs.
    timeline: recorder.timeline,
    analyses: recorder.analyses,
    phaseChanges: recorder.phaseChanges,
  };
  try {
    await sandbox.release(step.agent, step.version);
    let duringDone = !step.during;
    // Until traffic settles (after an abort: until the new track's weight reads 0), then on
    // through the tail, so the timeline shows where traffic went; the load runs as long.
    let endAt = startedAt + timeoutMs;
    let settledAt: number | undefined;
    // Once settled, the request goals may keep the run going past endAt (never past the load).
    const goalsMet = () =>
      settledAt !== undefined &&
      load.samples.length >= goals.requests &&
      countSentFrom(load.samples, settledAt) >= goals.tail;
    while (Date.now() < endAt || (settledAt !== undefined && !goalsMet() && !loadFinished)) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      try {
        status = (await sandbox.rollout(step.agent)).status;
      } catch {
        continue; // the API may be briefly unavailable in fault scenarios
      }
      // Taken after the read: this status was stored before `now`, and the router had its
      // weights before the controller wrote them, so a request sent from `now` on sees them.
      const now = Date.now();
      recorder.record(now, status, load.samples);
      const recent = windowStats(load.samples, now - 5000, now);
      options.onTick?.({
        step,
        status,
        elapsedMs: now - startedAt,
        successRate: recent.count ? 1 - recent.errorRate : undefined,
        requests: load.samples.length,
      });
      if (!duringDone && !recorder.outcome && step.during) duringDone = await step.during(sandbox, status);
      if (recorder.settle(now, status) && settledAt === undefined) {
        settledAt = now;
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
  const outcome = recorder.outcome ?? "timed out";
  const finishedAt = Date.now();
  Object.assign(report, { finishedAt, outcome, load: loadCounts(result.samples) });
  return {
    step,
    outcome,
    durationMs: finishedAt - startedAt,
    report,
    samples: result.samples,
    skipped: result.skipped,
    abortedAt: recorder.abortedAt,
    firstTrafficAt: recorder.firstTrafficAt,
    outcomeAt: recorder.outcomeAt,
    finalStatus: status,
  };
}
