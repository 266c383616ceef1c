/**
 * Time from a failing analysis to traffic fully back on the stable track, per analysis interval.
 *
 *   npx tsx bench/rollback.bench.ts [--intervals 1,2,5] [--runs 3]
 *
 * A canary holds at 20% (manual pause; the analysis keeps running every interval). At t0 the
 * Prometheus stand-in starts answering a 20% error rate for the canary track. Measured, from the
 * sandbox API server's own event stream: when the HTTPRoute gives the canary 0 (`route`), and
 * when the AgentRollout status records the abort with weights read back 100/0 (`verified`).
 * The analysis tick falls anywhere in the interval after t0, so the expected bound is one
 * interval plus one reconcile.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { defaultAnalysisMetrics } from "../src/contract/analysisQueries.ts";
import { startControllerApp } from "../src/controller/app.ts";
import { settingsFromEnv } from "../src/controller/config.ts";
import { ClientNodeCluster, kubeConfigForServer } from "../src/controller/kube/clientNodeCluster.ts";
import { KINDS, type KubeObject } from "../src/controller/kube/cluster.ts";
import { createLogger } from "../src/controller/log.ts";
import type { AgentRolloutSpec, CanaryStepSpec } from "../src/crd/agentRollout.ts";
import { startKubeApiServer } from "../src/sandbox/kube-api/server.ts";

export const NAMESPACE = "bench";

/** Prometheus stand-in: every analysis query answers healthy values, or a bad error rate for `failing` tracks. */
export class BenchPrometheus {
  readonly failing = new Set<string>();
  queries = 0;
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.queries += 1;
      const query = new URL(request.url ?? "/", "http://p").searchParams.get("query") ?? "";
      const track = /track="(\w+)"/.exec(query)?.[1] ?? "";
      let value = 1;
      if (query.includes("agent_records_failed_total")) value = this.failing.has(track) ? 0.2 : 0.001;
      else if (query.includes("latency")) value = 0.2;
      else if (query.includes("quality")) value = 0.99;
      const body = {
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [Date.now() / 1000, String(value)] }] },
      };
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function benchRollout(
  agent: string,
  version: string,
  steps: CanaryStepSpec[],
  intervalSeconds = 1,
): KubeObject[] {
  const metrics = defaultAnalysisMetrics({
    intervalSeconds: 60,
    maxErrorRate: 0.01,
    maxLatencyP95Seconds: 1,
    minDataQuality: 0.95,
  });
  const analysis = {
    intervalSeconds,
    count: 1,
    failureLimit: 0,
    inconclusiveLimit: 3,
    noData: "inconclusive" as const,
    metrics,
  };
  const service = (name: string, selector: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NAMESPACE },
    spec: { selector },
  });
  const spec: AgentRolloutSpec = {
    agent,
    minReplicas: 2,
    selector: { matchLabels: { agent } },
    template: {
      metadata: { labels: { version } },
      spec: { containers: [{ name: "agent", image: `example/agent:${version}` }] },
    },
    strategy: { canary: { steps, analysis } },
    traffic: {
      router: "gatewayAPI",
      activeService: agent,
      previewService: `${agent}-preview`,
      trackServices: { blue: `${agent}-blue`, green: `${agent}-green` },
      port: 8080,
      httpRoute: {
        name: agent,
        parentRefs: [{ name: "gateway" }],
        hostnames: [`${agent}.example.com`],
        pathPrefix: "/",
      },
    },
  };
  return [
    service(agent, { agent }),
    service(`${agent}-preview`, { agent }),
    service(`${agent}-blue`, { agent, track: "blue" }),
    service(`${agent}-green`, { agent, track: "green" }),
    {
      apiVersion: "agentfleet.dev/v1alpha1",
      kind: "AgentRollout",
      metadata: { name: agent, namespace: NAMESPACE },
      spec,
    },
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("bench step timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Sample {
  routeMs: number;
  verifiedMs: number;
}

async function measureInterval(intervalSeconds: number, runs: number): Promise<Sample[]> {
  const api = await startKubeApiServer({ deploymentReadyDelayMs: 0 });
  const prometheus = new BenchPrometheus();
  await prometheus.start();
  const cluster = new ClientNodeCluster(kubeConfigForServer(api.url));
  const agent = "rollback";
  const steps = [{ setWeight: 20, pause: {} }, { setWeight: 100 }];
  for (const object of benchRollout(agent, "v0", steps, intervalSeconds)) await cluster.create(object);
  const settings = settingsFromEnv({
    KUBE_API_SERVER: api.url,
    WATCH_NAMESPACES: NAMESPACE,
    PROMETHEUS_URL: prometheus.url,
    OPS_HOST: "127.0.0.1",
    OPS_PORT: "0",
    LEASE_DURATION_SECONDS: "2",
    RENEW_DEADLINE_SECONDS: "1",
    RETRY_PERIOD_SECONDS: "0.2",
  });
  const app = await startControllerApp(settings, { logger: createLogger("silent") });
  const status = async () =>
    ((await cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name: agent }))?.status ?? {}) as Record<
      string,
      unknown
    >;
  let failedAt = 0;
  let routeBackAt = 0;
  let verifiedAt = 0;
  api.store.subscribe((event) => {
    if (!failedAt) return;
    const spec = event.object.spec as
      | { rules?: Array<{ backendRefs?: Array<{ name: string; weight?: number }> }> }
      | undefined;
    if (event.typeKey === "gateway.networking.k8s.io/v1/httproutes" && !routeBackAt) {
      const green = spec?.rules?.[0]?.backendRefs?.find((ref) => ref.name === `${agent}-green`)?.weight;
      const blue = spec?.rules?.[0]?.backendRefs?.find((ref) => ref.name === `${agent}-blue`)?.weight;
      if (green === 0 && blue === 100) routeBackAt = performance.now();
    }
    const state = event.object.status as { phase?: string; weights?: { blue: number } } | undefined;
    if (
      event.typeKey === "agentfleet.dev/v1alpha1/agentrollouts" &&
      !verifiedAt &&
      state?.phase === "Degraded" &&
      state.weights?.blue === 100
    ) {
      verifiedAt = performance.now();
    }
  });
  const samples: Sample[] = [];
  await until(async () => (await status()).phase === "Healthy");
  for (let run = 1; run <= runs; run++) {
    prometheus.failing.clear();
    failedAt = routeBackAt = verifiedAt = 0;
    await cluster.patch(
      KINDS.agentRollout,
      { namespace: NAMESPACE, name: agent },
      { spec: { template: { metadata: { labels: { version: `v${run}` } } } } },
    );
    await until(async () => {
      const current = await status();
      return current.phase === "Paused" && (current.weights as { green?: number } | undefined)?.green === 20;
    });
    // Let the first tick of the paused step pass so t0 falls at a random point of an interval.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalSeconds * 1000));
    failedAt = performance.now();
    prometheus.failing.add("green");
    await until(() => verifiedAt > 0 && routeBackAt > 0, intervalSeconds * 1000 + 30_000);
    samples.push({ routeMs: routeBackAt - failedAt, verifiedMs: verifiedAt - failedAt });
  }
  await app.stop();
  await prometheus.stop();
  await api.close();
  return samples;
}

export async function runRollbackBench(intervals: number[], runs: number): Promise<void> {
  console.log(
    `\nFailing analysis → traffic fully back on stable (${runs} runs per interval, failureLimit 0)`,
  );
  console.log(
    "interval  route back (median / max)   verified in status (median / max)   bound (interval + reconcile)",
  );
  for (const interval of intervals) {
    const samples = await measureInterval(interval, runs);
    const route = samples.map((s) => s.routeMs);
    const verified = samples.map((s) => s.verifiedMs);
    const fmt = (ms: number) => `${Math.round(ms)} ms`.padStart(8);
    console.log(
      `${`${interval} s`.padEnd(9)} ${fmt(median(route))} / ${fmt(Math.max(...route))}       ${fmt(median(verified))} / ${fmt(Math.max(...verified))}               ≤ ${interval * 1000} ms + reconcile`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { intervals: { type: "string", default: "1,2,5" }, runs: { type: "string", default: "3" } },
  });
  await runRollbackBench(values.intervals.split(",").map(Number), Number(values.runs));
}
