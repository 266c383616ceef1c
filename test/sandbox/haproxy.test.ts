/**
 * The sandbox gateway for real: HAProxy with one agent backend, two sample agent processes (blue
 * and green) put into slots through the runtime API, weighted traffic, and a drain that loses no
 * request while the drained agent shuts down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  haproxyBackendName,
  SERVER_SLOTS_PER_TRACK,
  trackServerName,
} from "../../src/controller/traffic/haproxy/layout.ts";
import { type LaunchedAgent, launchAgent } from "../../src/sandbox/agent/launch.ts";
import { type HaproxyGateway, startHaproxy } from "../../src/sandbox/infra/haproxy.ts";
import { type RequestSample, runLoad, servedShare, startLoad } from "../../src/sandbox/infra/load.ts";
import { ProcessSupervisor } from "../../src/sandbox/infra/processes.ts";

const NAMESPACE = "data-processing";
const AGENT = "ingest";
const BACKEND = haproxyBackendName(NAMESPACE, AGENT);
const BLUE = trackServerName("blue", 1);
const GREEN = trackServerName("green", 1);

let supervisor: ProcessSupervisor;
let gateway: HaproxyGateway;
let blue: LaunchedAgent;
let green: LaunchedAgent;

/**
 * Load for the drain tests: it runs until the test stops it, so it always spans the drain and
 * the agent's exit. 100 req/s; concurrency far above what the gateway needs (a few ms per
 * request), so the generator skips nothing unless this process stalls for seconds.
 */
const LONG_LOAD = { ratePerSecond: 100, durationMs: 60_000, maxConcurrency: 400 } as const;

/** Polls `condition` every 20 ms for up to 20 s (generous: a loaded machine only slows it). */
async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Answered requests that were sent after `at`. */
function sentAfter(samples: readonly RequestSample[], at: number): number {
  return samples.filter((sample) => sample.at > at).length;
}

function recordsUrl(): string {
  return `${gateway.frontendUrl(NAMESPACE, AGENT)}/records`;
}

async function fillSlot(server: string, agent: LaunchedAgent): Promise<void> {
  await gateway.runtime.setServerAddress(BACKEND, server, "127.0.0.1", agent.ports.http);
  await gateway.runtime.setServerState(BACKEND, server, "ready");
  await gateway.runtime.waitForServer(BACKEND, server, (state) => state.operational === "running");
}

beforeAll(async () => {
  supervisor = await ProcessSupervisor.create();
  const pod = (track: string, version: string) => ({
    namespace: NAMESPACE,
    agent: AGENT,
    track,
    version,
    pod: `${AGENT}-${track}-0`,
    env: { SHUTDOWN_DELAY_MS: "1500" },
  });
  [blue, green, gateway] = await Promise.all([
    launchAgent(supervisor, pod("blue", "1.0.0")),
    launchAgent(supervisor, pod("green", "1.1.0")),
    startHaproxy(supervisor, { agents: [{ namespace: NAMESPACE, agent: AGENT }] }),
  ]);
});

afterAll(async () => {
  await supervisor?.stop();
});

describe("HAProxy gateway", () => {
  it("lays out one backend per agent with disabled, zero-weight slots per track", async () => {
    const servers = await gateway.runtime.showServers(BACKEND);
    expect(servers).toHaveLength(2 * SERVER_SLOTS_PER_TRACK);
    expect(servers.map((server) => server.server)).toContain(
      trackServerName("green", SERVER_SLOTS_PER_TRACK),
    );
    expect(servers.every((server) => server.admin === "maint" && server.weight === 0)).toBe(true);
    const answer = await fetch(recordsUrl(), { method: "POST", body: "{}" });
    expect(answer.status).toBe(503);
  });

  it("serves blue only at 100/0 and splits 75/25 within tolerance", async () => {
    await Promise.all([fillSlot(BLUE, blue), fillSlot(GREEN, green)]);
    const slot = (await gateway.runtime.showServers(BACKEND)).find((server) => server.server === GREEN);
    expect(slot).toMatchObject({ address: "127.0.0.1", port: green.ports.http, admin: "ready" });

    await gateway.runtime.setServerWeights(BACKEND, { [BLUE]: 100, [GREEN]: 0 });
    // Concurrency covers every request, so a stalled test process cannot make the generator skip.
    const allBlue = await runLoad({
      url: recordsUrl(),
      ratePerSecond: 100,
      durationMs: 1000,
      maxConcurrency: 100,
    });
    expect(allBlue.samples.length).toBe(100);
    expect(allBlue.samples.every((sample) => sample.ok && sample.track === "blue")).toBe(true);

    await gateway.runtime.setServerWeights(BACKEND, { [BLUE]: 75, [GREEN]: 25 });
    const weights = await gateway.runtime.showServers(BACKEND);
    expect(
      weights.filter((server) => server.weight > 0).map((server) => [server.server, server.weight]),
    ).toEqual([
      [BLUE, 75],
      [GREEN, 25],
    ]);
    const split = await runLoad({
      url: recordsUrl(),
      ratePerSecond: 200,
      durationMs: 2000,
      maxConcurrency: 32,
    });
    expect(split.samples.length + split.skipped).toBe(400);
    expect(split.samples.filter((sample) => !sample.ok)).toEqual([]);
    // Not a statistical split: `balance roundrobin` picks servers in a fixed weighted order, so
    // any run of N requests gives green N/4 ± 1 (measured: 100 of 400, 99 of 398 with 2 skipped,
    // also under load). The window leaves room for retried connections only. (Were it `balance
    // random`, 400 draws at p = 0.25 have σ = 0.022, and a 99.9% two-sided window is ±0.071.)
    const share = servedShare(split.samples);
    expect(share.green).toBeGreaterThan(0.2);
    expect(share.green).toBeLessThan(0.3);
    expect(new Set(split.samples.map((sample) => sample.version))).toEqual(new Set(["1.0.0", "1.1.0"]));
  });

  it("drains green and stops it mid-load without a single failed request", async () => {
    await gateway.runtime.setServerWeights(BACKEND, { [BLUE]: 50, [GREEN]: 50 });
    const load = startLoad({ url: recordsUrl(), ...LONG_LOAD });
    // Steps follow what the load saw, not fixed sleeps: on a busy machine they only take longer.
    await until(
      "green serving",
      () => load.samples.filter((sample) => sample.track === "green").length >= 20,
    );
    await gateway.runtime.setServerState(BACKEND, GREEN, "drain");
    // The runtime API answered: every request sent from now on is balanced without green.
    const drainedAt = Date.now();
    const exit = await green.stop();
    await gateway.runtime.setServerState(BACKEND, GREEN, "maint");
    const exitedAt = Date.now();
    await until("100 requests after green exited", () => sentAfter(load.samples, exitedAt) >= 100);
    const result = await load.stop();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(result.skipped).toBe(0);
    expect(result.samples.filter((sample) => !sample.ok)).toEqual([]);
    const after = result.samples.filter((sample) => sample.at > drainedAt);
    expect(result.samples.some((sample) => sample.at < drainedAt && sample.track === "green")).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(100);
    expect(after.filter((sample) => sample.track !== "blue")).toEqual([]);
  });

  it("takes a still-weighted agent that shuts down out by health checks, losing no request", async () => {
    const replacement = await launchAgent(supervisor, {
      namespace: NAMESPACE,
      agent: AGENT,
      track: "green",
      version: "1.1.0",
      pod: `${AGENT}-green-1`,
      env: { SHUTDOWN_DELAY_MS: "1500" },
    });
    await fillSlot(GREEN, replacement);
    await gateway.runtime.setServerWeights(BACKEND, { [BLUE]: 50, [GREEN]: 50 });
    const load = startLoad({ url: recordsUrl(), ...LONG_LOAD });
    await until(
      "green serving",
      () => load.samples.filter((sample) => sample.track === "green").length >= 20,
    );
    const stoppedAt = Date.now();
    const exit = replacement.stop();
    await gateway.runtime.waitForServer(BACKEND, GREEN, (state) => state.operational === "stopped");
    // HAProxy shows the server stopped: no request sent from now on can reach it.
    const downAt = Date.now();
    expect(await exit).toEqual({ code: 0, signal: null });
    await until("100 requests after green was taken out", () => sentAfter(load.samples, downAt) >= 100);
    const result = await load.stop();

    expect(result.skipped).toBe(0);
    expect(result.samples.filter((sample) => !sample.ok)).toEqual([]);
    // Until the checks see its readiness fail, the stopping agent still serves (and closes connections).
    expect(result.samples.some((sample) => sample.at > stoppedAt && sample.track === "green")).toBe(true);
    const late = result.samples.filter((sample) => sample.at > downAt);
    expect(late.length).toBeGreaterThanOrEqual(100);
    expect(late.filter((sample) => sample.track !== "blue")).toEqual([]);
  });
});
