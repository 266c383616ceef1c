/**
 * A bounded load generator: POSTs records to a URL at a fixed rate for a fixed time, never more
 * than `maxConcurrency` at once (a request due while all are busy is counted as skipped, so the
 * schedule stays open-loop), and records for each request when it started, its status or error,
 * its latency and which track/version/pod served it. It stops by itself.
 */
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface LoadOptions {
  /** Full URL, e.g. `http://127.0.0.1:<frontend>/records`. */
  url: string;
  ratePerSecond: number;
  durationMs: number;
  maxConcurrency: number;
  /** Body of the request with this index. @default a small JSON record */
  body?: (index: number) => string;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
  /**
   * Where the schedule reads the time and waits. A test can step it to check the schedule
   * exactly, independently of how busy the machine is. @default real time
   */
  clock?: LoadClock;
}

/** The generator's time source: `now` in epoch milliseconds, `sleep` until `now` moved on by `ms`. */
export interface LoadClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_TIME: LoadClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

export interface RequestSample {
  index: number;
  /** Epoch milliseconds when the request was sent. */
  at: number;
  latencyMs: number;
  /** HTTP status, absent when the request failed without an answer. */
  status?: number;
  error?: string;
  /** 2xx. */
  ok: boolean;
  track?: string;
  version?: string;
  pod?: string;
}

export interface LoadResult {
  samples: RequestSample[];
  /** Requests not sent because `maxConcurrency` were in flight. */
  skipped: number;
  startedAt: number;
  finishedAt: number;
}

export interface LoadRun {
  /** Samples so far (answered requests only), in completion order. */
  readonly samples: readonly RequestSample[];
  readonly done: Promise<LoadResult>;
  /** Stops sending; resolves when in-flight requests have finished. */
  stop(): Promise<LoadResult>;
}

const MAX_REQUESTS = 100_000;

function defaultBody(index: number): string {
  return JSON.stringify({ id: index, source: "sandbox-load", payload: "x".repeat(64) });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function send(
  url: URL,
  body: string,
  agent: Agent,
  timeoutMs: number,
  index: number,
  at: number,
): Promise<RequestSample> {
  const started = performance.now();
  const latencyMs = () => performance.now() - started;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const sample: RequestSample = {
            index,
            at,
            latencyMs: latencyMs(),
            status,
            ok: status >= 200 && status < 300,
          };
          const track = header(res.headers["x-agent-track"]);
          const version = header(res.headers["x-agent-version"]);
          const pod = header(res.headers["x-agent-pod"]);
          if (track !== undefined) sample.track = track;
          if (version !== undefined) sample.version = version;
          if (pod !== undefined) sample.pod = pod;
          resolve(sample);
        });
        res.on("error", (error) =>
          resolve({ index, at, latencyMs: latencyMs(), error: error.message, ok: false }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", (error) =>
      resolve({ index, at, latencyMs: latencyMs(), error: error.message, ok: false }),
    );
    req.end(body);
  });
}

function checkOptions(options: LoadOptions): number {
  const { ratePerSecond, durationMs, maxConcurrency } = options;
  if (!(ratePerSecond > 0) || !(durationMs > 0) || !(maxConcurrency >= 1)) {
    throw new Error("load needs ratePerSecond > 0, durationMs > 0 and maxConcurrency ≥ 1");
  }
  const total = Math.floor((ratePerSecond * durationMs) / 1000);
  if (total > MAX_REQUESTS) throw new Error(`load of ${total} requests exceeds the bound of ${MAX_REQUESTS}`);
  return total;
}

export function startLoad(options: LoadOptions): LoadRun {
  const total = checkOptions(options);
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxConcurrency });
  const samples: RequestSample[] = [];
  const inFlight = new Set<Promise<void>>();
  const body = options.body ?? defaultBody;
  const clock = options.clock ?? REAL_TIME;
  const startedAt = clock.now();
  let stopped = false;
  let skipped = 0;

  async function schedule(): Promise<LoadResult> {
    for (let index = 0; index < total && !stopped; index += 1) {
      const due = startedAt + (index * 1000) / options.ratePerSecond;
      // A timer may fire a little early by the wall clock: wait until the request is really due.
      for (let wait = due - clock.now(); wait > 0 && !stopped; wait = due - clock.now())
        await clock.sleep(wait);
      if (stopped) break;
      if (inFlight.size >= options.maxConcurrency) {
        skipped += 1;
        continue;
      }
      const timeoutMs = options.timeoutMs ?? 30_000;
      const pending = send(url, body(index), agent, timeoutMs, index, clock.now()).then((sample) => {
        samples.push(sample);
        inFlight.delete(pending);
      });
      inFlight.add(pending);
    }
    await Promise.all(inFlight);
    agent.destroy();
    return {
      samples: [...samples].sort((a, b) => a.index - b.index),
      skipped,
      startedAt,
      finishedAt: clock.now(),
    };
  }

  const done = schedule();
  return {
    samples,
    done,
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return startLoad(options).done;
}

export interface LoadSecond {
  /** Epoch milliseconds at the start of the bucket. */
  start: number;
  requests: number;
  ok: number;
  failed: number;
  /** failed / requests, 0 for an empty bucket. */
  errorRate: number;
  /** Nearest-rank p95 of the bucket's latencies, 0 for an empty bucket. */
  p95LatencyMs: number;
  /** Answered requests per serving track. */
  byTrack: Record<string, number>;
  byVersion: Record<string, number>;
}

export function percentile(values: readonly number[], quantile: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(quantile * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

function count(into: Record<string, number>, key: string | undefined): void {
  if (key !== undefined) into[key] = (into[key] ?? 0) + 1;
}

/** Per-bucket (default per-second) summary by send time, gap-free from the first to the last sample. */
export function summarizeLoad(samples: readonly RequestSample[], bucketMs = 1000): LoadSecond[] {
  if (samples.length === 0) return [];
  // Loops, not Math.min(...spread): runs can hold tens of thousands of samples.
  let earliest = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    earliest = Math.min(earliest, sample.at);
    last = Math.max(last, sample.at);
  }
  const first = Math.floor(earliest / bucketMs) * bucketMs;
  const buckets: LoadSecond[] = [];
  const latencies: number[][] = [];
  for (let start = first; start <= last; start += bucketMs) {
    buckets.push({
      start,
      requests: 0,
      ok: 0,
      failed: 0,
      errorRate: 0,
      p95LatencyMs: 0,
      byTrack: {},
      byVersion: {},
    });
    latencies.push([]);
  }
  for (const sample of samples) {
    const index = Math.floor((sample.at - first) / bucketMs);
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.requests += 1;
    if (sample.ok) bucket.ok += 1;
    else bucket.failed += 1;
    count(bucket.byTrack, sample.track);
    count(bucket.byVersion, sample.version);
    latencies[index]?.push(sample.latencyMs);
  }
  buckets.forEach((bucket, index) => {
    bucket.errorRate = bucket.requests === 0 ? 0 : bucket.failed / bucket.requests;
    bucket.p95LatencyMs = percentile(latencies[index] ?? [], 0.95);
  });
  return buckets;
}

/** Share of answered requests per serving track (0..1). */
export function servedShare(samples: readonly RequestSample[]): Record<string, number> {
  const byTrack: Record<string, number> = {};
  for (const sample of samples) count(byTrack, sample.track);
  const answered = Object.values(byTrack).reduce((sum, value) => sum + value, 0);
  return Object.fromEntries(Object.entries(byTrack).map(([track, value]) => [track, value / answered]));
}
