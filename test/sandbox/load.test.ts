/** The bounded load generator against a local HTTP server, and its per-second summary. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LoadClock,
  percentile,
  type RequestSample,
  runLoad,
  servedShare,
  startLoad,
  summarizeLoad,
} from "../../src/sandbox/infra/load.ts";

/** A clock that moves only when the generator sleeps: each request is sent exactly when due. */
function steppedClock(start = 1_700_000_000_000): LoadClock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

let server: Server;
let url: string;
let inFlight = 0;
let peakInFlight = 0;
let seen = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    // Numbered on arrival: with requests in flight, `seen` moves on before this one answers.
    seen += 1;
    const number = seen;
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const delay = request.url === "/slow" ? 100 : 0;
    request.resume();
    setTimeout(() => {
      inFlight -= 1;
      const fail = number % 10 === 0;
      response.writeHead(fail ? 500 : 200, {
        "x-agent-track": number % 2 ? "blue" : "green",
        "x-agent-version": "1.0.0",
      });
      response.end();
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("load generator", () => {
  it("sends rate × duration requests on schedule, records status and serving track, and stops by itself", async () => {
    // A stepped clock: the schedule is checked exactly, however busy the machine is. Concurrency
    // covers every request, so none can be skipped; the real-time tests below cover skipping.
    seen = 0;
    const result = await runLoad({
      url: `${url}/fast`,
      ratePerSecond: 100,
      durationMs: 1000,
      maxConcurrency: 100,
      clock: steppedClock(),
    });
    expect(result.samples).toHaveLength(100);
    expect(result.skipped).toBe(0);
    expect(result.samples.map((sample) => sample.at - result.startedAt)).toEqual(
      Array.from({ length: 100 }, (_, index) => index * 10),
    );
    expect(result.finishedAt - result.startedAt).toBe(990);
    // The server numbers requests on arrival: every 10th fails, odd ones are blue.
    expect(result.samples.filter((sample) => sample.status === 500)).toHaveLength(10);
    expect(result.samples.every((sample) => sample.version === "1.0.0")).toBe(true);
    expect(servedShare(result.samples)).toEqual({ blue: 0.5, green: 0.5 });
  });

  it("in real time, never sends a request before it is due", async () => {
    const result = await runLoad({
      url: `${url}/fast`,
      ratePerSecond: 100,
      durationMs: 500,
      maxConcurrency: 50,
    });
    expect(result.samples.length + result.skipped).toBe(50);
    for (const sample of result.samples)
      expect(sample.at - result.startedAt).toBeGreaterThanOrEqual(sample.index * 10);
    expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(490);
  });

  it("never exceeds its concurrency and counts what it could not send", async () => {
    peakInFlight = 0;
    const result = await runLoad({
      url: `${url}/slow`,
      ratePerSecond: 100,
      durationMs: 1000,
      maxConcurrency: 3,
    });
    expect(peakInFlight).toBeLessThanOrEqual(3);
    expect(result.skipped).toBeGreaterThan(50);
    expect(result.samples.length + result.skipped).toBe(100);
  });

  it("records connection errors as failed samples and can be stopped early", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = startLoad({
      url: `http://127.0.0.1:${port}/records`,
      ratePerSecond: 50,
      durationMs: 10_000,
      maxConcurrency: 4,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stoppedAt = Date.now();
    const result = await run.stop();
    expect(result.samples.length).toBeGreaterThan(5);
    // Stopped early: nothing sent after stop(), and no more than were due by then (one per 20 ms).
    expect(result.samples.every((sample) => sample.at <= stoppedAt)).toBe(true);
    expect(result.samples.length).toBeLessThanOrEqual(Math.floor((stoppedAt - result.startedAt) / 20) + 1);
    expect(result.samples.every((sample) => !sample.ok && sample.status === undefined && sample.error)).toBe(
      true,
    );
  });

  it("summarizes per second: counts, error rate, p95 and who served", () => {
    const base = 1_700_000_000_000;
    const sample = (offsetMs: number, ok: boolean, latencyMs: number, track: string): RequestSample => ({
      index: offsetMs,
      at: base + offsetMs,
      ok,
      latencyMs,
      status: ok ? 200 : 500,
      track,
      version: track === "blue" ? "1" : "2",
    });
    const samples = [
      ...Array.from({ length: 20 }, (_, i) => sample(i * 10, i !== 3, i + 1, i % 4 === 0 ? "green" : "blue")),
      sample(2500, true, 7, "blue"),
    ];
    const seconds = summarizeLoad(samples);
    expect(seconds.map((second) => second.start - base)).toEqual([0, 1000, 2000]);
    expect(seconds[0]).toMatchObject({ requests: 20, ok: 19, failed: 1, errorRate: 0.05, p95LatencyMs: 19 });
    expect(seconds[0]?.byTrack).toEqual({ blue: 15, green: 5 });
    expect(seconds[1]).toMatchObject({ requests: 0, errorRate: 0, p95LatencyMs: 0 });
    expect(seconds[2]).toMatchObject({ requests: 1, p95LatencyMs: 7, byVersion: { "1": 1 } });
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
  });
});
