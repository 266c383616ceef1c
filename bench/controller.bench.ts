/**
 * Rollout controller throughput against the sandbox Kubernetes API, then rollback timing.
 *
 *   npm run bench:controller                 (1000 AgentRollouts, 4 workers)
 *   npx tsx bench/controller.bench.ts --rollouts 200 --workers 8 --skip-rollback
 *
 * The sandbox API runs in its own process, so the memory printed is the controller's (plus this
 * script's small seeding client and Prometheus stand-in). Two phases:
 *   adopt    N new AgentRollouts: create tracks, HTTPRoutes, Service selectors, first status.
 *   release  a new version on all N at once: canary 50% → 100% with one 1 s analysis per step.
 * Each phase reports rollouts/s (settled AgentRollouts per second of wall time), reconciles/s,
 * reconcile latency percentiles (one reconcile = one AgentRollout pass, API calls included).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startControllerApp } from "../src/controller/app.ts";
import { settingsFromEnv } from "../src/controller/config.ts";
import { ClientNodeCluster, kubeConfigForServer } from "../src/controller/kube/clientNodeCluster.ts";
import { KINDS } from "../src/controller/kube/cluster.ts";
import { createLogger } from "../src/controller/log.ts";
import { BenchPrometheus, benchRollout, NAMESPACE, runRollbackBench } from "./rollback.bench.ts";

const MIB = 2 ** 20;

// Memory is read after a full collection, so it shows what the controller keeps, not garbage.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function memory(): NodeJS.MemoryUsage {
  collectGarbage();
  return process.memoryUsage();
}

async function startSandboxApi(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    "node_modules/.bin/node",
    ["src/sandbox/kube-api/main.ts", "--deployment-ready-ms", "0"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return { url: (JSON.parse(line) as { url: string }).url, child };
  throw new Error("sandbox API did not start");
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Phase {
  name: string;
  seconds: number;
  reconciles: number[];
  rssMiB: number;
  heapMiB: number;
}

function report(rollouts: number, phases: Phase[]): void {
  console.log(`\nRollout controller, ${rollouts} AgentRollouts against the sandbox API (separate process)`);
  console.log(
    "phase     wall     rollouts/s  reconciles  reconciles/s  p50 ms  p95 ms  p99 ms  max ms  rss MiB  heap MiB",
  );
  for (const phase of phases) {
    const sorted = [...phase.reconciles].sort((a, b) => a - b);
    const cells = [
      phase.name.padEnd(8),
      `${phase.seconds.toFixed(1)} s`.padStart(7),
      (rollouts / phase.seconds).toFixed(1).padStart(11),
      String(sorted.length).padStart(11),
      (sorted.length / phase.seconds).toFixed(0).padStart(13),
      ...[50, 95, 99, 100].map((p) => percentile(sorted, p).toFixed(1).padStart(7)),
      phase.rssMiB.toFixed(0).padStart(8),
      phase.heapMiB.toFixed(0).padStart(9),
    ];
    console.log(cells.join(" "));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rollouts: { type: "string", default: "1000" },
      workers: { type: "string", default: "4" },
      "skip-rollback": { type: "boolean", default: false },
    },
  });
  const count = Number(values.rollouts);
  const sandbox = await startSandboxApi();
  const prometheus = new BenchPrometheus();
  await prometheus.start();
  const seeder = new ClientNodeCluster(kubeConfigForServer(sandbox.url), { userAgent: "bench-seeder" });
  const agents = Array.from({ length: count }, (_, index) => `agent-${String(index).padStart(4, "0")}`);
  const steps = [{ setWeight: 50 }, { setWeight: 100 }];
  await pool(
    agents.flatMap((agent) => benchRollout(agent, "v1", steps)),
    32,
    (object) => seeder.create(object),
  );

  let durations: number[] = [];
  const settings = settingsFromEnv({
    KUBE_API_SERVER: sandbox.url,
    WATCH_NAMESPACES: NAMESPACE,
    PROMETHEUS_URL: prometheus.url,
    WORKERS: values.workers,
    OPS_HOST: "127.0.0.1",
    OPS_PORT: "0",
    LOG_LEVEL: "silent",
  });
  const baseline = memory();
  const settled = async (accept: (status: Record<string, unknown>) => boolean) => {
    const { items } = await seeder.list(KINDS.agentRollout, { namespace: NAMESPACE });
    return items.filter((item) => accept((item.status ?? {}) as Record<string, unknown>)).length;
  };
  const phase = async (
    name: string,
    accept: (status: Record<string, unknown>) => boolean,
    started: number,
  ): Promise<Phase> => {
    while ((await settled(accept)) < count) await new Promise((resolve) => setTimeout(resolve, 250));
    const seconds = (performance.now() - started) / 1000;
    const used = memory();
    const result = {
      name,
      seconds,
      reconciles: durations,
      rssMiB: used.rss / MIB,
      heapMiB: used.heapUsed / MIB,
    };
    durations = [];
    return result;
  };

  const adoptStart = performance.now();
  const app = await startControllerApp(settings, {
    logger: createLogger("silent"),
    onReconcile: (_key, ms) => durations.push(ms),
  });
  const adopt = await phase("adopt", (status) => status.phase === "Healthy", adoptStart);
  const releaseStart = performance.now();
  await pool(agents, 32, (agent) =>
    seeder.patch(
      KINDS.agentRollout,
      { namespace: NAMESPACE, name: agent },
      { spec: { template: { metadata: { labels: { version: "v2" } } } } },
    ),
  );
  const release = await phase(
    "release",
    (status) => status.phase === "Healthy" && status.activeTrack === "green",
    releaseStart,
  );
  report(count, [adopt, release]);
  console.log(
    `memory before the controller started: rss ${(baseline.rss / MIB).toFixed(0)} MiB, heap ${(baseline.heapUsed / MIB).toFixed(0)} MiB; Prometheus queries answered: ${prometheus.queries}`,
  );
  await app.stop();
  await prometheus.stop();
  sandbox.child.kill("SIGTERM");
  if (!values["skip-rollback"]) await runRollbackBench([1, 2, 5], 3);
}

await main();
