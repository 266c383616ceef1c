import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { call, DEPLOYMENTS, ROLLOUTS, rollout } from "./support.ts";

let api: KubeApiServer;
beforeEach(async () => {
  api = await startKubeApiServer({ deploymentReadyDelayMs: 20 });
});
afterEach(async () => {
  await api.close();
});

describe("sandbox Kubernetes API: fault injection", () => {
  it("answers injected errors a set number of times, only for matching requests", async () => {
    api.faults.add({ method: "POST", path: "/agentrollouts", status: 503, times: 2 });
    expect((await call(api.url, "POST", ROLLOUTS, rollout("a"))).status).toBe(503);
    expect((await call(api.url, "GET", ROLLOUTS)).status).toBe(200);
    expect((await call(api.url, "POST", ROLLOUTS, rollout("a"))).body).toMatchObject({
      code: 503,
      message: "injected fault: 503",
    });
    expect((await call(api.url, "POST", ROLLOUTS, rollout("a"))).status).toBe(201);
    expect(api.faults.counters.errors).toBe(2);
  });

  it("adds latency", async () => {
    api.faults.add({ latencyMs: 120, times: 1 });
    const started = Date.now();
    await call(api.url, "GET", ROLLOUTS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("takes rules over HTTP too, for out-of-process tools", async () => {
    const answer = await call(api.url, "POST", "/sandbox/faults", {
      add: [{ method: "GET", status: 500, times: 1 }],
    });
    expect(answer.body).toMatchObject({ ids: [1] });
    expect((await call(api.url, "GET", ROLLOUTS)).status).toBe(500);
    expect((await call(api.url, "GET", ROLLOUTS)).status).toBe(200);
  });

  it("reports Deployments ready after a write, and can hold a Deployment back", async () => {
    const deployment = (name: string) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name },
      spec: { replicas: 3, selector: { matchLabels: { app: name } } },
    });
    api.deployments?.holdReadiness("dp/held");
    await call(api.url, "POST", DEPLOYMENTS, deployment("ready"));
    await call(api.url, "POST", DEPLOYMENTS, deployment("held"));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await call(api.url, "GET", `${DEPLOYMENTS}/ready`)).body).toMatchObject({
      status: { readyReplicas: 3, observedGeneration: 1 },
    });
    expect((await call(api.url, "GET", `${DEPLOYMENTS}/held`)).body.status).toBeUndefined();
    api.deployments?.releaseReadiness("dp/held");
    expect((await call(api.url, "GET", `${DEPLOYMENTS}/held`)).body).toMatchObject({
      status: { readyReplicas: 3 },
    });
  });
});
