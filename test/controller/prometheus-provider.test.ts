import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PrometheusProvider } from "../../src/controller/analysis/prometheus.ts";
import {
  NoDataError,
  ProviderUnavailableError,
  QueryRejectedError,
} from "../../src/controller/analysis/provider.ts";
import { systemClock } from "../../src/controller/clock.ts";
import { timed } from "../support/timing.ts";

type Answer = { code: number; body?: unknown } | "hang";

let server: Server | undefined;
let hits = 0;

async function prometheus(answer: (query: string) => Answer): Promise<string> {
  hits = 0;
  server = createServer((request, response) => {
    hits += 1;
    const query = new URL(request.url ?? "/", "http://p").searchParams.get("query") ?? "";
    const result = answer(query);
    if (result === "hang") return;
    response.writeHead(result.code, { "Content-Type": "application/json" });
    response.end(JSON.stringify(result.body ?? {}));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const vector = (...values: number[]) => ({
  code: 200,
  body: {
    status: "success",
    data: { resultType: "vector", result: values.map((v) => ({ metric: {}, value: [0, String(v)] })) },
  },
});

function provider(url: string, openMs = 200) {
  return new PrometheusProvider({
    url,
    timeoutMs: 150,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
    breaker: { failureThreshold: 2, openMs },
    clock: systemClock,
  });
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("Prometheus provider", () => {
  it("answers one value; no samples or NaN is NoData, several series or a 400 is rejected", async () => {
    const url = await prometheus((query) => {
      if (query === "one") return vector(0.25);
      if (query === "none") return vector();
      if (query === "nan") return vector(Number.NaN);
      if (query === "many") return vector(1, 2);
      return { code: 400, body: { status: "error", error: "parse error at char 3" } };
    });
    const client = provider(url);
    expect(await client.runQuery("one")).toBe(0.25);
    await expect(client.runQuery("none")).rejects.toBeInstanceOf(NoDataError);
    await expect(client.runQuery("nan")).rejects.toBeInstanceOf(NoDataError);
    await expect(client.runQuery("many")).rejects.toThrow(QueryRejectedError);
    await expect(client.runQuery("bad(")).rejects.toThrow(/parse error at char 3/);
    expect(await client.isOnline()).toBe(true);
  });

  it("answers every series of a vector query with its labels; no series (or only NaN) is NoData", async () => {
    const series = (...pairs: Array<[string, string]>) => ({
      code: 200,
      body: {
        status: "success",
        data: {
          resultType: "vector",
          result: pairs.map(([le, value]) => ({ metric: { le }, value: [0, value] })),
        },
      },
    });
    const url = await prometheus((query) => {
      if (query === "buckets") return series(["0.5", "10"], ["+Inf", "12"], ["1", "NaN"]);
      if (query === "nan") return series(["+Inf", "NaN"]);
      if (query === "scalar")
        return { code: 200, body: { status: "success", data: { resultType: "scalar", result: [0, "1"] } } };
      return vector();
    });
    const client = provider(url);
    expect(await client.runVectorQuery("buckets")).toEqual([
      { labels: { le: "0.5" }, value: 10 },
      { labels: { le: "+Inf" }, value: 12 },
    ]);
    await expect(client.runVectorQuery("none")).rejects.toBeInstanceOf(NoDataError);
    await expect(client.runVectorQuery("nan")).rejects.toBeInstanceOf(NoDataError);
    await expect(client.runVectorQuery("scalar")).rejects.toBeInstanceOf(QueryRejectedError);
  });

  it("retries 5xx with backoff, then opens the circuit and fails fast until it half-opens", async () => {
    let healthy = false;
    const url = await prometheus(() => (healthy ? vector(1) : { code: 503 }));
    const client = provider(url, 300);
    await expect(client.runQuery("q")).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(hits).toBe(3);
    await expect(client.runQuery("q")).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(hits).toBe(6);
    expect(client.circuitState()).toBe("open");
    // Fails fast: no request at all, and none of the retry backoff (up to 2 × 40 ms) or the timeout.
    const failFast = await timed(() => expect(client.runQuery("q")).rejects.toThrow(/circuit open/));
    expect(failFast.elapsedMs).toBeLessThan(100 + failFast.lagMs);
    expect(hits).toBe(6);
    expect(await client.isOnline()).toBe(false);

    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(client.circuitState()).toBe("half-open");
    expect(await client.runQuery("q")).toBe(1);
    expect(client.circuitState()).toBe("closed");
  });

  it("times out a Prometheus that never answers", async () => {
    const url = await prometheus(() => "hang");
    const client = provider(url);
    // Three tries of 150 ms with up to 40 ms between them, not a hang.
    const timeout = await timed(() => expect(client.runQuery("q")).rejects.toThrow(/timed out/));
    expect(timeout.elapsedMs).toBeLessThan(1500 + timeout.lagMs);
  });

  it("reports a refused connection as unavailable", async () => {
    const url = await prometheus(() => vector(1));
    server?.close();
    server = undefined;
    const client = provider(url);
    await expect(client.runQuery("q")).rejects.toThrow(/unreachable: ECONNREFUSED/);
  });
});
