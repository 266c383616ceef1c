/**
 * A tiny stand-in for the Prometheus HTTP API: answers `/api/v1/query` for the analysis
 * templates with per-track values the test controls, or no data, or HTTP 503, or nothing at all
 * (listener closed). Records every query so tests can check the track scoping.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TrackMetrics {
  errorRate?: number;
  latencyP95?: number;
  dataQuality?: number;
}

export const GOOD: TrackMetrics = { errorRate: 0.001, latencyP95: 0.2, dataQuality: 0.99 };
export const BAD_ERRORS: TrackMetrics = { errorRate: 0.2, latencyP95: 0.2, dataQuality: 0.99 };

type Mode = "up" | "503" | "down";

/**
 * A track's traffic as the evidence queries (`increase(…[w])`) see it: records per second, the
 * share that fails and the latency distribution, so counts grow with the window like a real
 * counter's increase.
 */
export interface TrackTraffic {
  recordsPerSecond: number;
  failureRate: number;
  /** Cumulative share of records at or below each `le`, ending with `+Inf` at 1. Absent: no histogram. */
  latency?: ReadonlyArray<readonly [le: string, share: number]>;
  /**
   * Seconds at the start of every window with no records: the lookback the controller adds before
   * the analysis start (one look interval), when the canary had no traffic yet. @default 0
   */
  idleSeconds?: number;
}

/** Well under a 1 s p95: 0.2 % of records slower than 1 s. */
export const FAST_LATENCY: TrackTraffic["latency"] = [
  ["0.1", 0.6],
  ["0.25", 0.9],
  ["0.5", 0.98],
  ["1", 0.998],
  ["2.5", 1],
  ["+Inf", 1],
];

/**
 * Plenty of good records (none failing, 0.2 % slower than 1 s): enough that the evidence proves
 * even prod's 0.1 % error-rate guard rail within seconds of wall time.
 */
export const GOOD_TRAFFIC: TrackTraffic = { recordsPerSecond: 1000, failureRate: 0, latency: FAST_LATENCY };
/** The same traffic with a fifth of the records failing. */
export const BAD_TRAFFIC: TrackTraffic = { ...GOOD_TRAFFIC, failureRate: 0.2 };

/** The evidence query's window in seconds (`[600s]`), or undefined for other queries. */
export function evidenceWindowOf(query: string): number | undefined {
  if (!query.includes("increase(")) return undefined;
  const seconds = /\[(\d+)s\]/.exec(query)?.[1];
  return seconds === undefined ? undefined : Number(seconds);
}

/**
 * The answer of an evidence query for a track's traffic: a count for the two counters, one count
 * per `le` for the buckets; undefined when the series would not exist (no histogram).
 */
export function evidenceAnswer(
  query: string,
  traffic: TrackTraffic,
): number | Array<{ le: string; count: number }> | undefined {
  const busySeconds = Math.max(0, (evidenceWindowOf(query) ?? 0) - (traffic.idleSeconds ?? 0));
  const processed = traffic.recordsPerSecond * busySeconds;
  if (query.includes("agent_processing_latency_seconds_bucket"))
    return traffic.latency?.map(([le, share]) => ({ le, count: share * processed }));
  if (query.includes("agent_records_failed_total")) return traffic.failureRate * processed;
  return processed;
}

/** The scrape gate's query: how many of a track's pods have a counter series. */
export function isScrapedPodsQuery(query: string): boolean {
  return query.startsWith("count(");
}

/** Which of the three default analysis metrics a rendered query reads. */
export function metricOf(query: string): keyof TrackMetrics | undefined {
  if (query.includes("agent_records_failed_total")) return "errorRate";
  if (query.includes("agent_processing_latency_seconds_bucket")) return "latencyP95";
  if (query.includes("agent_data_quality_score")) return "dataQuality";
  return undefined;
}

export interface FakePrometheusOptions {
  /** What the evidence queries of a track not given `setTraffic` count; omitted: no data. */
  traffic?: TrackTraffic;
}

export class FakePrometheus {
  readonly queries: string[] = [];
  private readonly tracks = new Map<string, TrackMetrics | "noData">();
  private readonly traffic = new Map<string, TrackTraffic>();
  private mode: Mode = "up";
  private server: Server | undefined;
  private port = 0;

  private readonly options: FakePrometheusOptions;

  constructor(options: FakePrometheusOptions = {}) {
    this.options = options;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setTrack(track: string, metrics: TrackMetrics | "noData"): void {
    this.tracks.set(track, metrics);
  }

  /** What the evidence queries of `track` count; unset: the default traffic, if any, else no data. */
  setTraffic(track: string, traffic: TrackTraffic): void {
    this.traffic.set(track, traffic);
  }

  private evidence(query: string, track: string): unknown[] {
    const traffic = this.traffic.get(track) ?? this.options.traffic;
    const answer = traffic ? evidenceAnswer(query, traffic) : undefined;
    const now = Date.now() / 1000;
    if (answer === undefined) return [];
    if (typeof answer === "number") return [{ metric: {}, value: [now, String(answer)] }];
    return answer.map(({ le, count }) => ({ metric: { le }, value: [now, String(count)] }));
  }

  /** `down`: the port refuses connections; `503`: Prometheus answers errors. */
  async setMode(mode: Mode): Promise<void> {
    if (mode === this.mode) return;
    if (this.mode === "down") await this.listen();
    this.mode = mode;
    if (mode === "down") await this.closeListener();
  }

  private answer(query: string): { code: number; body: unknown } {
    if (this.mode === "503") return { code: 503, body: { status: "error", error: "service unavailable" } };
    this.queries.push(query);
    const now = Date.now() / 1000;
    if (query === "vector(1)")
      return {
        code: 200,
        body: {
          status: "success",
          data: { resultType: "vector", result: [{ metric: {}, value: [now, "1"] }] },
        },
      };
    const track = /track="(\w+)"/.exec(query)?.[1] ?? "";
    if (isScrapedPodsQuery(query)) {
      // One pod's series for a track with traffic, as one scraped pod exports it.
      const scraped = this.traffic.has(track) || this.options.traffic !== undefined;
      const result = scraped ? [{ metric: {}, value: [now, "1"] }] : [];
      return { code: 200, body: { status: "success", data: { resultType: "vector", result } } };
    }
    if (evidenceWindowOf(query) !== undefined) {
      const result = this.evidence(query, track);
      return { code: 200, body: { status: "success", data: { resultType: "vector", result } } };
    }
    const metric = metricOf(query);
    const values = this.tracks.get(track) ?? GOOD;
    const value = values === "noData" || !metric ? undefined : values[metric];
    const result = value === undefined ? [] : [{ metric: {}, value: [now, String(value)] }];
    return { code: 200, body: { status: "success", data: { resultType: "vector", result } } };
  }

  async listen(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://prometheus");
      if (url.pathname !== "/api/v1/query") {
        response.writeHead(404);
        response.end();
        return;
      }
      const { code, body } = this.answer(url.searchParams.get("query") ?? "");
      response.writeHead(code, { "Content-Type": "application/json" });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.closeListener();
  }
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  const prometheus = new FakePrometheus();
  await prometheus.listen();
  return prometheus;
}
