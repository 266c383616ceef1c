/**
 * Releases in the sandbox, measured: how long a bad canary serves traffic and how many requests
 * fail meanwhile, with our analysis defaults and with Flagger's documented ones; failed requests
 * during a blue-green switch; and the controller's CPU and memory while it runs releases.
 *
 *   npm run bench:rollout [-- --rate 200 --time-scale 10]
 *
 * One sandbox (the dev stack, timings compressed by the time scale), one run per setting:
 *   ours         the dev stack's analysis: interval 30 s, failureLimit 1 (the schema default)
 *   flagger t=N  Flagger's analysis: interval 60 s (its default), threshold N (1 by default,
 *                5 and 10 in its examples). Flagger rolls back once failed checks ≥ threshold;
 *                our failureLimit is how many failures are tolerated, so threshold N = failureLimit N−1.
 * Both intervals are divided by the same time scale, and the Flagger settings go into the
 * AgentRollout's spec.strategy.canary.analysis before its release (the controller reads the
 * spec); steps, queries and thresholds stay the dev stack's.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RequestSample } from "../src/sandbox/infra/load.ts";
import { type Sandbox, startSandbox } from "../src/sandbox/sandbox.ts";
import { type ReleaseRecord, runRelease } from "../src/sandbox/scenarios/releaseRun.ts";
import { waitUntilSettled } from "../src/sandbox/scenarios/run.ts";
import { table } from "../src/text/table.ts";
import { analysisOf, setAnalysis } from "./support/analysis.ts";

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: "200" },
    "blue-green-rate": { type: "string", default: "500" },
    "time-scale": { type: "string", default: "10" },
  },
});
const RATE = Number(args.rate);
const BLUE_GREEN_RATE = Number(args["blue-green-rate"]);
const TIME_SCALE = Number(args["time-scale"]);
const FLAGGER_INTERVAL_SECONDS = 60;
const FLAGGER_THRESHOLDS = [1, 5, 10];
const SAMPLE_MS = 500;
const TIMEOUT_MS = 150_000;

// ---- controller CPU and memory from /proc ---------------------------------------------------

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

interface ProcSample {
  at: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  rssKiB: number;
}

function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    return { at: performance.now(), cpuTicks, rssKiB };
  } catch {
    return undefined;
  }
}

interface ResourceUse {
  meanCpuPercent: number;
  maxCpuPercent: number;
  maxRssMiB: number;
  samples: number;
}

/** Samples a process every SAMPLE_MS until stopped; CPU % is of one core. */
function sampleProcess(pid: number): { stop(): ResourceUse } {
  const cpu: number[] = [];
  let maxRssKiB = 0;
  let previous = readProc(pid);
  const timer = setInterval(() => {
    const current = readProc(pid);
    if (!current || !previous) return;
    const seconds = (current.at - previous.at) / 1000;
    cpu.push(((current.cpuTicks - previous.cpuTicks) / CLOCK_TICKS / seconds) * 100);
    maxRssKiB = Math.max(maxRssKiB, current.rssKiB);
    previous = current;
  }, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return {
        meanCpuPercent: cpu.reduce((sum, value) => sum + value, 0) / Math.max(1, cpu.length),
        maxCpuPercent: Math.max(0, ...cpu),
        maxRssMiB: maxRssKiB / 1024,
        samples: cpu.length,
      };
    },
  };
}

// ---- runs -------------------------------------------------------------------------------------

interface BadCanaryRun {
  label: string;
  intervalSeconds: number;
  failureLimit: number;
  record: ReleaseRecord;
  use: ResourceUse;
  /** firstTrafficAt → abortedAt (status sampled every 500 ms). */
  exposureMs: number | undefined;
  inWindow: number;
  failedInWindow: number;
  /** First to last request answered by the bad version (per request, ms resolution). */
  badServedMs: number | undefined;
  failedTotal: number;
}

function span(samples: readonly RequestSample[]): number | undefined {
  if (samples.length === 0) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    first = Math.min(first, sample.at);
    last = Math.max(last, sample.at);
  }
  return last - first;
}

async function badCanary(
  sandbox: Sandbox,
  label: string,
  version: string,
  analysis: { intervalSeconds: number; failureLimit: number },
): Promise<BadCanaryRun> {
  await setAnalysis(sandbox, "ingest", analysis);
  const sampler = sampleProcess(sandbox.controller.process.pid);
  const record = await runRelease(
    sandbox,
    { agent: "ingest", version, expect: "aborted" },
    { ratePerSecond: RATE, timeoutMs: TIMEOUT_MS },
  );
  const use = sampler.stop();
  if (record.outcome !== "aborted")
    throw new Error(`${label}: ${version} was ${record.outcome}, not aborted`);
  const from = record.firstTrafficAt;
  const to = record.abortedAt;
  const window =
    from !== undefined && to !== undefined ? record.samples.filter((s) => s.at >= from && s.at < to) : [];
  const run: BadCanaryRun = {
    label,
    ...analysis,
    record,
    use,
    exposureMs: from !== undefined && to !== undefined ? to - from : undefined,
    inWindow: window.length,
    failedInWindow: window.filter((sample) => !sample.ok).length,
    badServedMs: span(record.samples.filter((sample) => sample.version === version)),
    failedTotal: record.samples.filter((sample) => !sample.ok).length,
  };
  console.error(
    `${label}: aborted after ${((run.exposureMs ?? Number.NaN) / 1000).toFixed(1)} s, ${run.failedInWindow}/${run.inWindow} failed`,
  );
  return run;
}

// ---- output -----------------------------------------------------------------------------------

const seconds = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
const percent = (part: number, whole: number) => (whole ? `${((part / whole) * 100).toFixed(2)}%` : "-");
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? "-" : `${(a / b).toFixed(1)}×`;
const cpuText = (use: ResourceUse) => `${use.meanCpuPercent.toFixed(1)}% / ${use.maxCpuPercent.toFixed(1)}%`;

async function main(): Promise<void> {
  const started = Date.now();
  console.error(`starting the sandbox (time scale ${TIME_SCALE}) …`);
  const sandbox = await startSandbox({ timeScale: TIME_SCALE });
  try {
    await waitUntilSettled(sandbox, ["ingest", "enrich"]);
    const ours = await analysisOf(sandbox, "ingest");
    const runs: BadCanaryRun[] = [];
    runs.push(
      await badCanary(sandbox, "ours", "1.6.0-bad", {
        intervalSeconds: ours.intervalSeconds,
        failureLimit: ours.failureLimit,
      }),
    );
    for (const [index, threshold] of FLAGGER_THRESHOLDS.entries()) {
      runs.push(
        await badCanary(sandbox, `flagger t=${threshold}`, `1.6.${index + 1}-bad`, {
          intervalSeconds: Math.max(1, Math.round(FLAGGER_INTERVAL_SECONDS / TIME_SCALE)),
          failureLimit: threshold - 1,
        }),
      );
    }
    await setAnalysis(sandbox, "ingest", {
      intervalSeconds: ours.intervalSeconds,
      failureLimit: ours.failureLimit,
    });

    const blueGreenUse = sampleProcess(sandbox.controller.process.pid);
    const blueGreen = await runRelease(
      sandbox,
      { agent: "enrich", version: "2.1.0", expect: "promoted" },
      { ratePerSecond: BLUE_GREEN_RATE, minDurationMs: 44_000, timeoutMs: TIMEOUT_MS },
    );
    const bgUse = blueGreenUse.stop();
    const bgFailed = blueGreen.samples.filter((sample) => !sample.ok).length;
    const bgVersions = new Set(blueGreen.samples.map((sample) => sample.version));

    const [base] = runs;
    if (!base) throw new Error("no baseline run");
    const wallSeconds = (Date.now() - started) / 1000;
    const out: string[] = [];
    out.push(
      `bench:rollout · dev stack in the sandbox, timings ${TIME_SCALE}× faster · canary load ${RATE} req/s, blue-green ${BLUE_GREEN_RATE} req/s · ${wallSeconds.toFixed(0)} s wall`,
      "",
      "(a) bad canary (ingest → x.y.z-bad, 30% of records fail) — from first traffic on the bad version to 100% on stable",
      table(
        [
          "ANALYSIS",
          "INTERVAL",
          "FAILURE LIMIT",
          "TO STABLE",
          "BAD VERSION SERVED",
          "FAILED / ALL IN WINDOW",
          "FAILED %",
          "TIME ×OURS",
          "FAILED ×OURS",
          "CTRL CPU MEAN/MAX",
          "CTRL RSS MAX",
        ],
        runs.map((run) => [
          run.label,
          `${run.intervalSeconds} s (${run.intervalSeconds * TIME_SCALE} s)`,
          String(run.failureLimit),
          seconds(run.exposureMs),
          seconds(run.badServedMs),
          `${run.failedInWindow} / ${run.inWindow}`,
          percent(run.failedInWindow, run.inWindow),
          run === base ? "1.0×" : ratio(run.exposureMs, base.exposureMs),
          run === base ? "1.0×" : ratio(run.failedInWindow, base.failedInWindow),
          cpuText(run.use),
          `${run.use.maxRssMiB.toFixed(0)} MiB`,
        ]),
      ),
      "",
      "(b) blue-green switch (enrich → 2.1.0) under continuous load",
      table(
        [
          "OUTCOME",
          "RELEASE",
          "LOAD",
          "REQUESTS",
          "FAILED",
          "SKIPPED",
          "VERSIONS SERVED",
          "CTRL CPU MEAN/MAX",
          "CTRL RSS MAX",
        ],
        [
          [
            blueGreen.outcome,
            seconds((blueGreen.outcomeAt ?? Number.NaN) - blueGreen.report.startedAt),
            seconds(blueGreen.durationMs),
            String(blueGreen.samples.length),
            `${bgFailed} (${percent(bgFailed, blueGreen.samples.length)})`,
            String(blueGreen.skipped),
            [...bgVersions].join(", "),
            cpuText(bgUse),
            `${bgUse.maxRssMiB.toFixed(0)} MiB`,
          ],
        ],
      ),
      "",
      "(c) controller process during all releases above",
      table(
        ["RUNS", "CPU MEAN", "CPU MAX", "RSS MAX"],
        [
          [
            `${runs.length} canaries + 1 blue-green`,
            `${(
              [...runs.map((run) => run.use), bgUse].reduce(
                (sum, use) => sum + use.meanCpuPercent * use.samples,
                0,
              ) / [...runs.map((run) => run.use), bgUse].reduce((sum, use) => sum + use.samples, 0)
            ).toFixed(1)}%`,
            `${Math.max(...runs.map((run) => run.use.maxCpuPercent), bgUse.maxCpuPercent).toFixed(1)}%`,
            `${Math.max(...runs.map((run) => run.use.maxRssMiB), bgUse.maxRssMiB).toFixed(0)} MiB`,
          ],
        ],
      ),
      "",
      "How measured: one sandbox on this machine (real controller process, HAProxy, Prometheus, agent",
      "processes). TO STABLE = firstTrafficAt → abortedAt: the first status sample (every 500 ms) with",
      "weight > 0 on the new track, to the first with 0 after the abort; BAD VERSION SERVED = first to",
      "last request answered by the bad version (per request). FAILED / ALL IN WINDOW counts every",
      "request sent in TO STABLE, to either track. Intervals are the compressed ones (real ones in",
      "brackets); Flagger threshold N is failureLimit N−1. Controller CPU from /proc/<pid>/stat",
      `(utime+stime, % of one core, every ${SAMPLE_MS} ms) and RSS from /proc/<pid>/status, per release.`,
    );
    console.log(out.join("\n"));
  } finally {
    await sandbox.stop();
  }
}

await main();
