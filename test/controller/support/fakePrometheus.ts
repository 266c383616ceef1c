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

/** Which of the three default analysis metrics a rendered query reads. */
export function metricOf(query: string): keyof TrackMetrics | undefined {
  if (query.includes("agent_records_failed_total")) return "errorRate";
  if (query.includes("agent_processing_latency_seconds_bucket")) return "latencyP95";
  if (query.includes("agent_data_quality_score")) return "dataQuality";
  return undefined;
}

export class FakePrometheus {
  readonly queries: string[] = [];
  private readonly tracks = new Map<string, TrackMetrics | "noData">();
  private mode: Mode = "up";
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setTrack(track: string, metrics: TrackMetrics | "noData"): void {
    this.tracks.set(track, metrics);
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
    const metric = metricOf(query);
    const track = /track="(\w+)"/.exec(query)?.[1] ?? "";
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
