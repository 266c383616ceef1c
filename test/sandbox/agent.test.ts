/**
 * The sample agent as a real process: exactly the metric contract on /metrics, health on all
 * three ports, records in and identity headers out, injected faults, and a graceful shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentLaunchSpec, type LaunchedAgent, launchAgent } from "../../src/sandbox/agent/launch.ts";
import { LATENCY_BUCKETS_SECONDS } from "../../src/sandbox/agent/metrics.ts";
import { ProcessSupervisor } from "../../src/sandbox/infra/processes.ts";

const CONTRACT = {
  agent_records_processed_total: "counter",
  agent_records_failed_total: "counter",
  agent_bytes_processed_total: "counter",
  agent_processing_latency_seconds: "histogram",
  agent_input_queue_depth: "gauge",
  agent_output_queue_depth: "gauge",
  agent_active_streams: "gauge",
  agent_data_quality_score: "gauge",
  agent_health_status: "gauge",
};

let supervisor: ProcessSupervisor;

/** Polls `condition` every 20 ms for up to 20 s. */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function spec(version: string, env: Record<string, string> = {}): AgentLaunchSpec {
  const pod = `ingest-${version.replace(/[^a-z0-9]/gi, "")}`;
  return { namespace: "data-processing", agent: "ingest", track: "green", pod, version, env };
}

function post(agent: LaunchedAgent, body: unknown): Promise<Response> {
  return fetch(`${agent.url}/records`, { method: "POST", body: JSON.stringify(body) });
}

/** Sample values by series text (`name{labels}`) from the exposition format. */
async function scrape(
  agent: LaunchedAgent,
): Promise<{ types: Record<string, string>; values: Map<string, number> }> {
  const text = await (await fetch(`${agent.url}/metrics`)).text();
  const types: Record<string, string> = {};
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) types[type[1]] = type[2];
    const sample = /^([^#\s][^\s]*) (\S+)$/.exec(line);
    if (sample?.[1] && sample[2]) values.set(sample[1], Number(sample[2]));
  }
  return { types, values };
}

beforeAll(async () => {
  supervisor = await ProcessSupervisor.create();
});

afterAll(async () => {
  await supervisor?.stop();
});

describe("sample agent contract", () => {
  let agent: LaunchedAgent;
  beforeAll(async () => {
    agent = await launchAgent(supervisor, spec("1.4.2"));
  });

  it("exposes exactly the metric contract, without target labels", async () => {
    const { types, values } = await scrape(agent);
    expect(types).toEqual(CONTRACT);
    const labelled = [...values.keys()].filter((series) => series.includes("{"));
    // Only histogram buckets carry a label (`le`); namespace/agent/track/pod come from Prometheus.
    expect(
      labelled.every((series) => /^agent_processing_latency_seconds_bucket\{le="[^"]+"\}$/.test(series)),
    ).toBe(true);
    expect(labelled).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1);
    expect(labelled).toContain('agent_processing_latency_seconds_bucket{le="0.001"}');
    expect(labelled).toContain('agent_processing_latency_seconds_bucket{le="30"}');
    expect(values.get("agent_health_status")).toBe(0);
    expect(values.get("agent_data_quality_score")).toBeGreaterThan(0.95);
  });

  it("answers health on the http-metrics, grpc-data and http-admin ports", async () => {
    for (const port of [agent.ports.http, agent.ports.grpc, agent.ports.admin]) {
      for (const path of ["/health/liveness", "/health/readiness"]) {
        expect((await fetch(`http://127.0.0.1:${port}${path}`)).status, `${port}${path}`).toBe(200);
      }
    }
    const info = await (await fetch(`http://127.0.0.1:${agent.ports.admin}/admin/info`)).json();
    expect(info).toMatchObject({
      agentId: "ingest",
      track: "green",
      version: "1.4.2",
      namespace: "data-processing",
    });
  });

  it("processes a record and a batch, names who served it, and counts records and bytes", async () => {
    const before = (await scrape(agent)).values;
    const one = await post(agent, { id: 1, payload: "abc" });
    expect(one.status).toBe(200);
    expect(one.headers.get("x-agent-track")).toBe("green");
    expect(one.headers.get("x-agent-version")).toBe("1.4.2");
    expect(one.headers.get("x-agent-pod")).toBe("ingest-142");
    expect(await one.json()).toMatchObject({ processed: 1, failed: 0 });
    const batch = await post(agent, { records: [{ id: 2 }, { id: 3 }, { id: 4 }] });
    expect(await batch.json()).toMatchObject({ processed: 3, failed: 0 });
    expect((await post(agent, [])).status).toBe(400);
    expect((await fetch(`${agent.url}/records`, { method: "POST", body: "{not json" })).status).toBe(400);

    const after = (await scrape(agent)).values;
    const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    expect(delta("agent_records_processed_total")).toBe(4);
    expect(delta("agent_records_failed_total")).toBe(0);
    expect(delta("agent_processing_latency_seconds_count")).toBe(4);
    const bytes = [{ id: 1, payload: "abc" }, { id: 2 }, { id: 3 }, { id: 4 }]
      .map((record) => JSON.stringify(record).length)
      .reduce((sum, size) => sum + size, 0);
    expect(delta("agent_bytes_processed_total")).toBe(bytes);
  });
});

describe("sample agent fault injection", () => {
  it("fails the -bad version's share of records with 500s, and env overrides the version", async () => {
    const [bad, overridden] = await Promise.all([
      launchAgent(supervisor, spec("1.5.0-bad")),
      launchAgent(supervisor, spec("1.5.1-bad", { FAULT_ERROR_RATE: "0" })),
    ]);
    const statuses = async (agent: LaunchedAgent) => {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, id) => post(agent, { id })));
      return answers.map((answer) => answer.status);
    };
    const badStatuses = await statuses(bad);
    expect(badStatuses.filter((status) => status === 500)).toHaveLength(60);
    expect(badStatuses.filter((status) => status === 200)).toHaveLength(140);
    const { values } = await scrape(bad);
    expect(values.get("agent_records_failed_total")).toBe(60);
    expect(values.get("agent_records_processed_total")).toBe(200);
    expect(new Set(await statuses(overridden))).toEqual(new Set([200]));
  });

  it("adds latency for -slow (FAULT_LATENCY_MS) and observes it in the histogram", async () => {
    const slow = await launchAgent(supervisor, spec("2.0.0-slow", { FAULT_LATENCY_MS: "300" }));
    const started = performance.now();
    expect((await post(slow, { id: 1 })).status).toBe(200);
    const seenByClient = performance.now() - started;
    expect(seenByClient).toBeGreaterThanOrEqual(300);
    // One observation of at least the added 300 ms, and no more than the client waited for the
    // answer: exact bounds, however long a busy machine makes the agent take.
    const { values } = await scrape(slow);
    expect(values.get("agent_processing_latency_seconds_count")).toBe(1);
    expect(values.get('agent_processing_latency_seconds_bucket{le="0.25"}')).toBe(0);
    expect(values.get("agent_processing_latency_seconds_sum")).toBeGreaterThanOrEqual(0.3);
    expect(values.get("agent_processing_latency_seconds_sum")).toBeLessThanOrEqual(seenByClient / 1000);
  });

  it("drops quality for -lowquality, reports -unhealthy and fails its readiness", async () => {
    const [low, unhealthy] = await Promise.all([
      launchAgent(supervisor, spec("3.0.0-lowquality")),
      launchAgent(supervisor, spec("3.0.0-unhealthy"), { waitReady: false }),
    ]);
    expect((await scrape(low)).values.get("agent_data_quality_score")).toBe(0.8);
    const readiness = async () =>
      (await fetch(`${unhealthy.url}/health/readiness`).catch(() => undefined))?.status;
    for (let tries = 0; (await readiness()) === undefined && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await readiness()).toBe(503);
    expect((await fetch(`${unhealthy.url}/health/liveness`)).status).toBe(200);
    expect((await scrape(unhealthy)).values.get("agent_health_status")).toBe(2);
  });

  it("exits at start for -crash, and launching it reports the exit with its log", async () => {
    await expect(launchAgent(supervisor, spec("4.0.0-crash"))).rejects.toThrow(
      /exited \(code 1.*crash-on-start/s,
    );
  });
});

describe("sample agent shutdown", () => {
  it("fails readiness first, keeps serving, finishes in-flight work, then exits 0", async () => {
    // The checks below must land in the shutdown delay: 2.5 s leaves a busy machine room (the
    // record in flight outlasts the delay, so the agent must wait for it).
    const agent = await launchAgent(
      supervisor,
      spec("5.0.0", { SHUTDOWN_DELAY_MS: "2500", FAULT_LATENCY_MS: "3500" }),
    );
    const inFlight = post(agent, { id: "long" });
    await until(
      "the record in flight",
      async () => (await scrape(agent)).values.get("agent_active_streams") === 1,
    );
    const exit = agent.stop();
    await until(
      "readiness failing",
      async () => (await fetch(`${agent.url}/health/readiness`)).status === 503,
    );
    expect((await fetch(`${agent.url}/health/liveness`)).status).toBe(200);

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.headers.get("connection")).toBe("close");
    expect(await exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${agent.url}/health/liveness`)).rejects.toThrow();
  });
});
