import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAgent, type Harness, releaseVersion, startHarness, waitForStatus } from "./support/harness.ts";

async function metricValue(opsUrl: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("API faults during a release", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("retries 409 conflicts on the status write and 5xx answers, and still completes", async () => {
    await createAgent(harness, { minReplicas: 2 });
    const app = await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    harness.api.faults.add({ method: "PATCH", path: "/agentrollouts/ingest/status", status: 409, times: 3 });
    harness.api.faults.add({ method: "PUT", path: "/httproutes/", status: 503, times: 2 });
    harness.api.faults.add({ method: "GET", path: "/httproutes/", status: 500, times: 3 });
    harness.api.faults.add({ path: "/deployments", status: 503, probability: 0.2, times: 10 });
    await releaseVersion(harness, "1.1.0");
    const done = await waitForStatus(
      harness,
      "Healthy on green",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
      20_000,
    );
    expect(done.weights).toEqual({ blue: 0, green: 100 });
    expect(harness.api.faults.counters.errors).toBeGreaterThanOrEqual(8);
    expect(
      await metricValue(app.opsUrl, "agentfleet_reconcile_errors_total", 'kind="conflict"'),
    ).toBeGreaterThanOrEqual(3);
  });

  it("keeps working through dropped watches and slow answers", async () => {
    await createAgent(harness, { minReplicas: 2 });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    harness.api.faults.dropWatchesEvery(250);
    harness.api.faults.add({ latencyMs: 30, probability: 0.5 });
    await releaseVersion(harness, "1.1.0");
    const done = await waitForStatus(
      harness,
      "Healthy on green",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
      20_000,
    );
    expect(done.weights).toEqual({ blue: 0, green: 100 });
    expect(harness.api.faults.counters.droppedWatches).toBeGreaterThan(0);
    harness.api.faults.clear();
  });
});
