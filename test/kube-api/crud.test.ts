import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { call, DEPLOYMENTS, meta, ROLLOUTS, rollout } from "./support.ts";

let api: KubeApiServer;
beforeAll(async () => {
  api = await startKubeApiServer();
});
afterAll(async () => {
  await api.close();
});

describe("sandbox Kubernetes API: objects", () => {
  it("serves discovery for the kinds it emulates, with their subresources", async () => {
    const group = await call(api.url, "GET", "/apis/agentfleet.dev/v1alpha1");
    const names = (group.body.resources as Array<{ name: string }>).map((resource) => resource.name);
    expect(names).toEqual(["agentrollouts", "agentrollouts/status", "agentrollouts/scale"]);
    expect((await call(api.url, "GET", "/apis/nope/v1")).status).toBe(404);
  });

  it("creates once, rejects stale writes with 409 and bumps generation only for spec changes", async () => {
    const created = await call(api.url, "POST", ROLLOUTS, rollout("a"));
    expect(created.status).toBe(201);
    expect(meta(created)).toMatchObject({ generation: 1 });
    expect((await call(api.url, "POST", ROLLOUTS, rollout("a"))).body).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
    });

    const first = meta(created).resourceVersion;
    const updated = await call(api.url, "PUT", `${ROLLOUTS}/a`, {
      ...rollout("a"),
      metadata: { name: "a", resourceVersion: first },
      spec: { agent: "a", minReplicas: 2 },
    });
    expect(meta(updated).generation).toBe(2);
    const stale = await call(api.url, "PUT", `${ROLLOUTS}/a`, {
      ...rollout("a"),
      metadata: { name: "a", resourceVersion: first },
    });
    expect(stale.body).toMatchObject({ code: 409, reason: "Conflict" });

    const labelled = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/a`,
      { metadata: { labels: { x: "y" } } },
      "application/merge-patch+json",
    );
    expect(meta(labelled).generation).toBe(2);
    const noop = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/a`,
      { metadata: { labels: { x: "y" } } },
      "application/merge-patch+json",
    );
    expect(meta(noop).resourceVersion).toBe(meta(labelled).resourceVersion);
    const precondition = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/a`,
      { metadata: { resourceVersion: first }, spec: { minReplicas: 3 } },
      "application/merge-patch+json",
    );
    expect(precondition.status).toBe(409);
  });

  it("keeps status apart: main writes ignore it, /status writes touch only it", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("s"));
    const status = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/s/status`,
      { status: { phase: "Healthy" }, spec: { minReplicas: 9 } },
      "application/merge-patch+json",
    );
    expect(status.body).toMatchObject({ status: { phase: "Healthy" }, spec: { minReplicas: 1 } });
    expect(meta(status).generation).toBe(1);
    const main = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/s`,
      { status: { phase: "Broken" }, spec: { minReplicas: 2 } },
      "application/merge-patch+json",
    );
    expect(main.body).toMatchObject({ status: { phase: "Healthy" }, spec: { minReplicas: 2 } });
  });

  it("answers a custom resource's scale like the API server while spec.replicas is unset", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("u"));
    expect(await call(api.url, "GET", `${ROLLOUTS}/u/scale`)).toMatchObject({
      status: 500,
      body: {
        reason: "InternalError",
        message: 'Internal error occurred: the spec replicas field ".spec.replicas" does not exist',
      },
    });
    // A patch that leaves the count unset is refused; one that sets it creates the field.
    const merge = "application/merge-patch+json";
    const empty = await call(api.url, "PATCH", `${ROLLOUTS}/u/scale`, { metadata: { labels: {} } }, merge);
    expect(empty).toMatchObject({ status: 400, body: { reason: "BadRequest" } });
    const negative = await call(api.url, "PATCH", `${ROLLOUTS}/u/scale`, { spec: { replicas: -1 } }, merge);
    expect(negative).toMatchObject({ status: 422, body: { reason: "Invalid" } });
    const set = await call(api.url, "PATCH", `${ROLLOUTS}/u/scale`, { spec: { replicas: 2 } }, merge);
    expect(set).toMatchObject({ status: 200, body: { kind: "Scale", spec: { replicas: 2 } } });
    expect((await call(api.url, "GET", `${ROLLOUTS}/u/scale`)).status).toBe(200);
    // A Scale written with a stale resourceVersion conflicts, as the HPA's writes rely on.
    const stale = await call(api.url, "PUT", `${ROLLOUTS}/u/scale`, {
      metadata: { name: "u", resourceVersion: "1" },
      spec: { replicas: 3 },
    });
    expect(stale).toMatchObject({ status: 409, body: { reason: "Conflict" } });
  });

  it("serves the scale subresource from the CRD paths and the Deployment selector", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("h"));
    await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/h/status`,
      { status: { replicas: 3, selector: "agent=h,track=blue" } },
      "application/merge-patch+json",
    );
    const scale = await call(api.url, "PUT", `${ROLLOUTS}/h/scale`, {
      metadata: { name: "h" },
      spec: { replicas: 6 },
    });
    expect(scale.body).toMatchObject({
      kind: "Scale",
      spec: { replicas: 6 },
      status: { replicas: 3, selector: "agent=h,track=blue" },
    });
    expect((await call(api.url, "GET", `${ROLLOUTS}/h`)).body).toMatchObject({ spec: { replicas: 6 } });
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { replicas: 1, selector: { matchLabels: { agent: "h" } } },
    };
    await call(api.url, "POST", DEPLOYMENTS, deployment);
    const deploymentScale = await call(
      api.url,
      "PATCH",
      `${DEPLOYMENTS}/d/scale`,
      { spec: { replicas: 4 } },
      "application/merge-patch+json",
    );
    expect(deploymentScale.body).toMatchObject({
      spec: { replicas: 4 },
      status: { replicas: 0, selector: "agent=h" },
    });
  });

  it("applies merge, JSON and apply patches as the client sends them; refuses unknown types", async () => {
    await call(api.url, "POST", ROLLOUTS, {
      ...rollout("p"),
      metadata: { name: "p", annotations: { a: "1", b: "2" } },
    });
    const merged = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/p`,
      { metadata: { annotations: { a: null } } },
      "application/merge-patch+json",
    );
    expect((merged.body.metadata as { annotations: unknown }).annotations).toEqual({ b: "2" });
    const json = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/p`,
      [
        { op: "replace", path: "/spec/minReplicas", value: 5 },
        { op: "add", path: "/spec/extra", value: [1] },
      ],
      "application/json-patch+json",
    );
    expect(json.body).toMatchObject({ spec: { minReplicas: 5, extra: [1] } });
    const failedTest = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/p`,
      [{ op: "test", path: "/spec/minReplicas", value: 1 }],
      "application/json-patch+json",
    );
    expect(failedTest.status).toBe(422);
    const applied = await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/q?fieldManager=t`,
      "apiVersion: agentfleet.dev/v1alpha1\nkind: AgentRollout\nspec:\n  agent: q\n",
      "application/apply-patch+yaml",
    );
    expect(applied.body).toMatchObject({ metadata: { name: "q" }, spec: { agent: "q" } });
    expect((await call(api.url, "PATCH", `${ROLLOUTS}/p`, {}, "text/plain")).status).toBe(415);
  });

  it("lists by label and field selectors, per namespace and across namespaces", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("l1", { tier: "gold", track: "blue" }));
    await call(api.url, "POST", ROLLOUTS, rollout("l2", { tier: "silver" }));
    await call(
      api.url,
      "POST",
      "/apis/agentfleet.dev/v1alpha1/namespaces/other/agentrollouts",
      rollout("l3", { tier: "gold" }),
    );
    const names = async (path: string) =>
      ((await call(api.url, "GET", path)).body.items as Array<{ metadata: { name: string } }>)
        .map((item) => item.metadata.name)
        .sort();
    expect(await names(`${ROLLOUTS}?labelSelector=tier%3Dgold`)).toEqual(["l1"]);
    expect(
      await names(`${ROLLOUTS}?labelSelector=${encodeURIComponent("tier in (gold,silver),!track")}`),
    ).toEqual(["l2"]);
    expect(await names(`/apis/agentfleet.dev/v1alpha1/agentrollouts?labelSelector=tier%3Dgold`)).toEqual([
      "l1",
      "l3",
    ]);
    expect(await names(`${ROLLOUTS}?fieldSelector=metadata.name%3Dl2`)).toEqual(["l2"]);
    expect(
      (await call(api.url, "GET", `${ROLLOUTS}?labelSelector=${encodeURIComponent("a in (b")}`)).status,
    ).toBe(400);
  });

  it("deletes and answers 404 afterwards", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("gone"));
    expect((await call(api.url, "DELETE", `${ROLLOUTS}/gone`)).status).toBe(200);
    expect((await call(api.url, "GET", `${ROLLOUTS}/gone`)).body).toMatchObject({
      code: 404,
      reason: "NotFound",
    });
  });
});
