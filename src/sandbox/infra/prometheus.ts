/**
 * Real Prometheus for the sandbox: scrapes every agent process each second through file-based
 * service discovery (the kubelet writes the target files as pods come and go, with the labels a
 * PodMonitor's relabelling gives on a cluster), evaluates the given rule files each second, and
 * sends alerts to the given Alertmanager. Data lives in the supervisor's work dir.
 *
 * Target changes reach the scrapers within about 5 s: Prometheus's discovery manager batches
 * updates on a fixed 5 s tick (not configurable in 2.42), so callers wait for a target with
 * `activeTargets()` rather than assume it is scraped at once.
 */
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { resolveSandboxBinary } from "./binaries.ts";
import { freePort, LOOPBACK } from "./ports.ts";
import type { ProcessSupervisor, SupervisedProcess } from "./processes.ts";
import { waitForUrl } from "./processes.ts";

export const AGENTS_JOB = "agents";

/** Target labels of an agent pod: the contract's `namespace`, `agent`, `track`, `pod` (and any more). */
export interface TargetLabels {
  namespace: string;
  agent: string;
  track: string;
  pod: string;
  [label: string]: string;
}

export interface ScrapeTarget {
  /** `host:port` of the metrics endpoint. */
  address: string;
  labels: TargetLabels | Record<string, string>;
}

export interface PrometheusConfigSpec {
  /** Job name → its file_sd target file. */
  jobs: Record<string, string>;
  ruleFiles: readonly string[];
  /** `host:port` of Alertmanager, if any. */
  alertmanager?: string;
  /** @default 1 */
  scrapeIntervalSeconds?: number;
  /** @default 1 */
  evaluationIntervalSeconds?: number;
}

/**
 * How often the sandbox's Prometheus scrapes unless told otherwise: twice a second, so the
 * evidence analysis (which looks at every scrape) sees a canary's first records within half a
 * second. Rules are evaluated every second.
 */
export const SANDBOX_SCRAPE_INTERVAL_SECONDS = 0.5;

/** Seconds as a Prometheus duration (`500ms`, `1s`): Prometheus takes no fractional units. */
export function promDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** prometheus.yml for the spec. Pure. */
export function renderPrometheusConfig(spec: PrometheusConfigSpec): string {
  const scrape = promDuration(spec.scrapeIntervalSeconds ?? SANDBOX_SCRAPE_INTERVAL_SECONDS);
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: scrape,
      scrape_timeout: scrape,
      evaluation_interval: promDuration(spec.evaluationIntervalSeconds ?? 1),
    },
    rule_files: [...spec.ruleFiles],
    scrape_configs: Object.entries(spec.jobs).map(([job, file]) => ({
      job_name: job,
      metrics_path: "/metrics",
      // Pod-level labels come from the targets, as `podTargetLabels` do on a cluster.
      honor_labels: false,
      file_sd_configs: [{ files: [file], refresh_interval: "5s" }],
    })),
  };
  if (spec.alertmanager) {
    config.alerting = {
      alertmanagers: [{ api_version: "v2", static_configs: [{ targets: [spec.alertmanager] }] }],
    };
  }
  return stringify(config);
}

/** Writes a file_sd target file atomically (Prometheus never reads half a file). */
export async function writeTargets(file: string, targets: readonly ScrapeTarget[]): Promise<void> {
  const groups = targets.map((target) => ({ targets: [target.address], labels: { ...target.labels } }));
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(groups, null, 2)}\n`);
  await rename(temporary, file);
}

export interface PromSample {
  labels: Record<string, string>;
  value: number;
  /** Epoch seconds. */
  timestamp: number;
}

export interface PromSeries {
  labels: Record<string, string>;
  points: Array<{ timestamp: number; value: number }>;
}

interface ApiAnswer {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: unknown };
}

async function api(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
): Promise<ApiAnswer["data"]> {
  const url = `${baseUrl}${path}?${new URLSearchParams(params)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const answer = (await response.json()) as ApiAnswer;
  if (answer.status !== "success")
    throw new Error(`Prometheus ${path} failed: ${answer.error ?? response.status}`);
  return answer.data;
}

/** Instant query; vectors and scalars become samples (a scalar has no labels). */
export async function queryPrometheus(
  baseUrl: string,
  promql: string,
  timeSeconds?: number,
): Promise<PromSample[]> {
  const params: Record<string, string> = { query: promql };
  if (timeSeconds !== undefined) params.time = String(timeSeconds);
  const data = await api(baseUrl, "/api/v1/query", params);
  if (data?.resultType === "scalar") {
    const [timestamp, value] = data.result as [number, string];
    return [{ labels: {}, value: Number(value), timestamp }];
  }
  if (data?.resultType !== "vector")
    throw new Error(`unexpected result type ${data?.resultType} for ${promql}`);
  return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((item) => ({
    labels: item.metric,
    value: Number(item.value[1]),
    timestamp: item.value[0],
  }));
}

/** Range query over epoch seconds. */
export async function queryPrometheusRange(
  baseUrl: string,
  promql: string,
  range: { start: number; end: number; stepSeconds: number },
): Promise<PromSeries[]> {
  const data = await api(baseUrl, "/api/v1/query_range", {
    query: promql,
    start: String(range.start),
    end: String(range.end),
    step: String(range.stepSeconds),
  });
  if (data?.resultType !== "matrix")
    throw new Error(`unexpected result type ${data?.resultType} for ${promql}`);
  const matrix = data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
  return matrix.map((item) => ({
    labels: item.metric,
    points: item.values.map(([timestamp, value]) => ({ timestamp, value: Number(value) })),
  }));
}

export interface ActiveTarget {
  job: string;
  labels: Record<string, string>;
  health: "up" | "down" | "unknown";
  lastError: string;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  configFile: string;
  process: SupervisedProcess;
  targetsFile(job?: string): string;
  /** Replaces the job's targets (default job: `agents`). */
  setTargets(targets: readonly ScrapeTarget[], job?: string): Promise<void>;
  query(promql: string, timeSeconds?: number): Promise<PromSample[]>;
  queryRange(
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
  ): Promise<PromSeries[]>;
  activeTargets(): Promise<ActiveTarget[]>;
  /** Re-reads the config and rule files (`POST /-/reload`). */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** Rule files to evaluate (e.g. the rendered agent rules). */
  ruleFiles?: readonly string[];
  /** `host:port` of Alertmanager. */
  alertmanager?: string;
  /** file_sd jobs. @default ["agents"] */
  jobs?: readonly string[];
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  /** @default 30000 */
  readyTimeoutMs?: number;
}

export async function startPrometheus(
  supervisor: ProcessSupervisor,
  options: StartPrometheusOptions = {},
): Promise<PrometheusServer> {
  const dir = supervisor.dir("prometheus");
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const jobs = Object.fromEntries(
    (options.jobs ?? [AGENTS_JOB]).map((job) => [job, join(dir, `targets-${job}.json`)]),
  );
  for (const file of Object.values(jobs)) await writeTargets(file, []);
  const spec: PrometheusConfigSpec = { jobs, ruleFiles: options.ruleFiles ?? [] };
  if (options.alertmanager !== undefined) spec.alertmanager = options.alertmanager;
  if (options.scrapeIntervalSeconds !== undefined) spec.scrapeIntervalSeconds = options.scrapeIntervalSeconds;
  if (options.evaluationIntervalSeconds !== undefined)
    spec.evaluationIntervalSeconds = options.evaluationIntervalSeconds;
  const configFile = join(dir, "prometheus.yml");
  await writeFile(configFile, renderPrometheusConfig(spec));
  const child = supervisor.spawn("prometheus", resolveSandboxBinary("prometheus"), [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    "--storage.tsdb.retention.time=1d",
    `--web.listen-address=${LOOPBACK}:${port}`,
    "--web.enable-lifecycle",
  ]);
  await waitForUrl(`${url}/-/ready`, { process: child, timeoutMs: options.readyTimeoutMs ?? 30_000 });
  const fileOf = (job = AGENTS_JOB): string => {
    const file = jobs[job];
    if (!file) throw new Error(`Prometheus has no job ${job}; jobs: ${Object.keys(jobs).join(", ")}`);
    return file;
  };
  return {
    url,
    configFile,
    process: child,
    targetsFile: fileOf,
    setTargets: (targets, job) => writeTargets(fileOf(job), targets),
    query: (promql, timeSeconds) => queryPrometheus(url, promql, timeSeconds),
    queryRange: (promql, range) => queryPrometheusRange(url, promql, range),
    activeTargets: async () => {
      const response = await fetch(`${url}/api/v1/targets?state=active`, {
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json()) as {
        data: {
          activeTargets: Array<{
            scrapePool: string;
            labels: Record<string, string>;
            health: string;
            lastError: string;
          }>;
        };
      };
      return answer.data.activeTargets.map((target) => ({
        job: target.scrapePool,
        labels: target.labels,
        health: target.health as ActiveTarget["health"],
        lastError: target.lastError,
      }));
    },
    reload: async () => {
      const response = await fetch(`${url}/-/reload`, {
        method: "POST",
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw new Error(`Prometheus reload failed: HTTP ${response.status} ${await response.text()}`);
    },
    stop: async () => {
      await child.stop();
    },
  };
}
