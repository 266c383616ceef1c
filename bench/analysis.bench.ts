/**
 * Canary analysis compared (issue 14): many releases, with identical load and timings, under our
 * analysis and under Flagger's and Argo Rollouts' semantics (bench/support/strategies.ts), of good
 * versions (failing at random like stable, its natural noise) and bad ones (30 %, 5 %, 2 % of
 * records failing, threshold 1 %; or slow, p95 ×10).
 *
 *   npm run bench:analysis [-- --quick] [-- --releases 20 --concurrency 14 --time-scale 10 --rate 200 --interval 60]
 *
 * One sandbox runs `--concurrency` copies of the dev stack's canary agent (bench/support/
 * canaryFleet.ts); each copy takes the next release from one queue, interleaved by strategy and
 * kind so all strategies meet the same machine, writes its strategy's analysis into its
 * AgentRollout (every strategy at the same `--interval`) and releases under `--rate` req/s of its
 * own through HAProxy. Per release:
 * first canary traffic → 100% on one version, the outcome, the failed requests the canary served.
 * The analysis queries select a track, not a pod, so an agent waits out the analysis window
 * between two releases: each release is judged on its own canary's requests only.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { AnalysisSpec } from "../src/crd/agentRollout.ts";
import { type Sandbox, startSandbox } from "../src/sandbox/sandbox.ts";
import { runRelease } from "../src/sandbox/scenarios/releaseRun.ts";
import { waitUntilSettled } from "../src/sandbox/scenarios/run.ts";
import { analysisOf, analysisWindowSeconds, setAnalysis } from "./support/analysis.ts";
import { canaryFleet, copyId } from "./support/canaryFleet.ts";
import {
  aggregateReleases,
  type ReleaseResult,
  releaseResultOf,
  releaseStatsTable,
  strategySummaryTable,
  summarizeStrategies,
  VERSION_KINDS,
  type VersionKind,
} from "./support/releaseStats.ts";
import {
  analysisPatchFor,
  compressedSeconds,
  FLAGGER_INTERVAL_SECONDS,
  STRATEGIES,
  type StrategyName,
  valueChecks,
} from "./support/strategies.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    releases: { type: "string" },
    concurrency: { type: "string" },
    "time-scale": { type: "string", default: "10" },
    rate: { type: "string", default: "200" },
    interval: { type: "string", default: String(FLAGGER_INTERVAL_SECONDS) },
    noise: { type: "string", default: "0.5" },
    "base-latency-ms": { type: "string", default: "100" },
    "timeout-s": { type: "string", default: "180" },
    "quiet-margin-s": { type: "string", default: "5" },
    "stall-s": { type: "string", default: "30" },
    strategies: { type: "string", default: STRATEGIES.join(",") },
    kinds: { type: "string", default: VERSION_KINDS.join(",") },
    json: { type: "string" },
  },
});

const RELEASES = Number(args.releases ?? (args.quick ? 1 : 20));
const CONCURRENCY = Number(args.concurrency ?? (args.quick ? 10 : 14));
const TIME_SCALE = Number(args["time-scale"]);
const RATE = Number(args.rate);
/** Every strategy's analysis interval, compressed like the sandbox's other timings. */
const INTERVAL_SECONDS = compressedSeconds(Number(args.interval), TIME_SCALE);
/** Percent of records every version fails at random, stable and good canaries alike. */
const NOISE = args.noise;
const BASE_LATENCY_MS = args["base-latency-ms"];
const TIMEOUT_MS = Number(args["timeout-s"]) * 1000;
const QUIET_MARGIN_MS = Number(args["quiet-margin-s"]) * 1000;
const STALL_MS = Number(args["stall-s"]) * 1000;
const STRATEGY_LIST = args.strategies.split(",") as StrategyName[];
const KIND_LIST = args.kinds.split(",") as VersionKind[];

/** Version markers of each kind (src/sandbox/agent/faults.ts); every version carries the noise. */
const KIND_MARKERS: Record<VersionKind, string> = {
  good: "",
  bad30: "-bad30",
  bad5: "-bad5",
  bad2: "-bad2",
  slow: "-slowx10",
};

interface Job {
  strategy: StrategyName;
  kind: VersionKind;
}

/** Interleaved: every strategy gets each kind once per round, so all meet the same machine. */
function jobsOf(): Job[] {
  const jobs: Job[] = [];
  for (let round = 0; round < RELEASES; round += 1)
    for (const kind of KIND_LIST) for (const strategy of STRATEGY_LIST) jobs.push({ strategy, kind });
  return jobs;
}

let versionCounter = 0;
const versionOf = (kind: VersionKind) => `2.${++versionCounter}.0${KIND_MARKERS[kind]}-noise${NOISE}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Between two releases of one agent: until the idle track has no pods, then the analysis window
 * and a margin, so the next release's analysis sees only its own canary (analysisWindowSeconds).
 * Idle agents cost little (no load between releases), so this costs time, not CPU.
 */
async function quietPeriod(sandbox: Sandbox, agent: string, windowMs: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { status } = await sandbox.rollout(agent);
    const idle = sandbox.kubelet.pods(agent).filter((pod) => pod.spec.track !== status.activeTrack);
    if (idle.length === 0 || Date.now() > deadline) break;
    await sleep(250);
  }
  await sleep(windowMs + QUIET_MARGIN_MS);
}

/**
 * The longest range any strategy's queries read: the value checks Flagger and Argo judge (ours
 * counts from its own release's start, but the others' windows reach back).
 */
function quietWindowSeconds(rendered: AnalysisSpec): number {
  return analysisWindowSeconds({ metrics: valueChecks({ ...rendered, intervalSeconds: INTERVAL_SECONDS }) });
}

/**
 * Never recorded: after a bad version was promoted, a good one goes out with an analysis that
 * cannot fail, so the next release starts from a stable with only the noise again.
 */
async function resetStable(
  sandbox: Sandbox,
  agent: string,
  rendered: AnalysisSpec,
  windowMs: number,
): Promise<boolean> {
  await quietPeriod(sandbox, agent, windowMs);
  await setAnalysis(sandbox, agent, {
    ...analysisPatchFor("argo", rendered, INTERVAL_SECONDS),
    failureLimit: 1000,
  });
  const record = await runRelease(
    sandbox,
    { agent, version: versionOf("good"), expect: "promoted" },
    { ratePerSecond: RATE, timeoutMs: TIMEOUT_MS },
  );
  return record.outcome === "promoted";
}

interface Progress {
  done: number;
  total: number;
  results: ReleaseResult[];
  retired: string[];
  /** Agents releasing now, and what their status last read. */
  inFlight: Map<string, string>;
  /** When any releasing agent's status last changed. */
  lastChangeAt: number;
  /** Agents whose release was in flight across a controller restart: their results are left out. */
  disturbed: Set<string>;
  restarts: number;
  left: number;
}

/** Notes a release's status tick; any change means the controller is making progress. */
function noteTick(progress: Progress, agent: string, status: unknown): void {
  const key = JSON.stringify(status);
  if (progress.inFlight.get(agent) !== key) progress.lastChangeAt = Date.now();
  progress.inFlight.set(agent, key);
}

/**
 * A safety net: when no releasing agent's status changed for `stallMs` (it changes every analysis
 * interval while a release runs), the controller is restarted and the releases in flight then are
 * left out of the tables. (The stalls first seen here were the sandbox kubelet's Deployment watch
 * ending after 5–10 min, fixed in the kubelet; a restart does not help with such a stall.)
 */
function startWatchdog(sandbox: Sandbox, progress: Progress, stallMs: number): () => void {
  let restarting = false;
  const timer = setInterval(() => {
    if (restarting || progress.inFlight.size === 0 || Date.now() - progress.lastChangeAt < stallMs) return;
    restarting = true;
    for (const agent of progress.inFlight.keys()) progress.disturbed.add(agent);
    void (async () => {
      const tail = await sandbox.controller.process.logTail(1);
      console.error(
        `controller stalled (${progress.inFlight.size} releases in flight, last log: ${tail.slice(0, 160)}); restarting`,
      );
      await sandbox.restartController({ crash: true, downMs: 1000 });
      progress.restarts += 1;
      progress.lastChangeAt = Date.now();
      restarting = false;
    })();
  }, 2000);
  return () => clearInterval(timer);
}

/** One agent's loop: take the next job, set its analysis, release, record; retire on a stuck release. */
async function worker(sandbox: Sandbox, agent: string, queue: Job[], progress: Progress): Promise<void> {
  const rendered = await analysisOf(sandbox, agent);
  const windowMs = quietWindowSeconds(rendered) * 1000;
  for (let job = queue.shift(), first = true; job; job = queue.shift(), first = false) {
    if (!first) await quietPeriod(sandbox, agent, windowMs);
    await setAnalysis(sandbox, agent, analysisPatchFor(job.strategy, rendered, INTERVAL_SECONDS));
    const version = versionOf(job.kind);
    progress.disturbed.delete(agent);
    const record = await runRelease(
      sandbox,
      { agent, version, expect: job.kind === "good" ? "promoted" : "aborted" },
      {
        ratePerSecond: RATE,
        timeoutMs: TIMEOUT_MS,
        onTick: (tick) => noteTick(progress, agent, tick.status),
      },
    );
    progress.inFlight.delete(agent);
    const result = releaseResultOf(record, job.strategy, job.kind);
    if (progress.disturbed.has(agent)) progress.left += 1;
    else progress.results.push(result);
    progress.done += 1;
    console.error(
      `[${progress.done}/${progress.total}] ${job.strategy} ${job.kind} ${agent} ${version}: ${result.outcome}` +
        ` after ${((result.settleMs ?? Number.NaN) / 1000).toFixed(1)} s, canary failed ${result.canaryFailed}/${result.canaryServed}` +
        (progress.disturbed.has(agent) ? " (across a controller restart: left out)" : ""),
    );
    const stuck = result.outcome === "timed out";
    const badStable = result.outcome === "promoted" && job.kind !== "good";
    if (stuck || (badStable && !(await resetStable(sandbox, agent, rendered, windowMs)))) {
      // A release that never settled leaves the agent mid-release: it takes no more jobs.
      progress.retired.push(agent);
      console.error(`${agent} retired (${stuck ? "release timed out" : "reset release failed"})`);
      return;
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  // The initial stable carries the same noise as every released version.
  const { fleet, template } = canaryFleet(CONCURRENCY, { version: `2.0.0-noise${NOISE}` });
  const agents = Array.from({ length: CONCURRENCY }, (_, index) => copyId(template, index));
  console.error(
    `starting the sandbox: ${CONCURRENCY} copies of ${template}, time scale ${TIME_SCALE}, ${RATE} req/s each …`,
  );
  const sandbox = await startSandbox({
    fleet,
    timeScale: TIME_SCALE,
    replicas: 1,
    agentEnv: { BASE_LATENCY_MS },
  });
  const queue = jobsOf();
  const progress: Progress = {
    done: 0,
    total: queue.length,
    results: [],
    retired: [],
    inFlight: new Map(),
    lastChangeAt: Date.now(),
    disturbed: new Set(),
    restarts: 0,
    left: 0,
  };
  try {
    await waitUntilSettled(sandbox, agents, 180_000);
    const rendered = await analysisOf(sandbox, agents[0] ?? template);
    const readyAt = Date.now();
    console.error(`sandbox up in ${((readyAt - started) / 1000).toFixed(0)} s; ${queue.length} releases`);
    const stopWatchdog = startWatchdog(sandbox, progress, STALL_MS);
    await Promise.all(agents.map((agent) => worker(sandbox, agent, queue, progress)));
    stopWatchdog();
    const wallSeconds = (Date.now() - started) / 1000;
    if (args.json) writeFileSync(args.json, JSON.stringify(progress.results, null, 2));
    console.log(
      [
        `bench:analysis · ${progress.results.length} releases (${RELEASES} per strategy × version) on ${CONCURRENCY} copies of the dev stack's ${template}` +
          ` · timings ${TIME_SCALE}× faster · ${RATE} req/s per release · noise ${NOISE}% · ${wallSeconds.toFixed(0)} s wall (${((Date.now() - readyAt) / 1000).toFixed(0)} s releasing)`,
        `between two releases of one agent: its idle track empty, then the longest query window (${quietWindowSeconds(rendered)} s) + ${QUIET_MARGIN_MS / 1000} s`,
        `every strategy: interval ${INTERVAL_SECONDS} s (${args.interval} s compressed), count ${rendered.count}; ours: failureLimit ${rendered.failureLimit}` +
          `, evidence looks every ${rendered.evidence?.lookIntervalSeconds ?? "-"} s at confidence ${rendered.evidence?.confidence ?? "-"}` +
          `; value checks: ${valueChecks(rendered)
            .map((metric) => `${metric.name} ${metric.condition} ${metric.threshold}`)
            .join(", ")}`,
        "",
        releaseStatsTable(aggregateReleases(progress.results, STRATEGY_LIST)),
        "",
        strategySummaryTable(summarizeStrategies(progress.results, STRATEGY_LIST)),
        "",
        "TO 100% = first status sample (every 500 ms) with canary weight > 0 → 100% on one version (stable after an",
        "abort, the new version after a promotion); PROMOTE = the same over promoted releases. CANARY FAILED / SERVED =",
        "requests answered by the canary version until then. WRONG: good versions aborted, bad versions promoted.",
        "FAILED CHECKS = failed measurements by metric (from the status, sampled every 500 ms).",
        ...(progress.restarts
          ? [
              `controller restarts after a stall: ${progress.restarts}; releases left out (in flight then): ${progress.left}`,
            ]
          : []),
        ...(progress.retired.length
          ? [`retired agents (stuck release): ${progress.retired.join(", ")}`]
          : []),
        ...(queue.length ? [`${queue.length} releases not run (every agent retired)`] : []),
      ].join("\n"),
    );
  } finally {
    await sandbox.stop();
  }
}

await main();
