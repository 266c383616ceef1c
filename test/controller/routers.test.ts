import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientNodeCluster, kubeConfigForServer } from "../../src/controller/kube/clientNodeCluster.ts";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { GatewayApiRouter } from "../../src/controller/traffic/gatewayApi.ts";
import { ReplicaRatioRouter } from "../../src/controller/traffic/replicaRatio.ts";
import {
  type RouteTarget,
  sizesReplicas,
  splitsTraffic,
  UnsupportedWeightsError,
  weightsHonoured,
} from "../../src/controller/traffic/router.ts";
import { ServiceSelectorRouter } from "../../src/controller/traffic/serviceSelector.ts";
import type { AgentRolloutSpec } from "../../src/crd/agentRollout.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { agentRollout, agentServices, NAMESPACE } from "./support/fixtures.ts";

let api: KubeApiServer;
let cluster: ClientNodeCluster;

function target(router: AgentRolloutSpec["traffic"]["router"], ready = { blue: 4, green: 0 }): RouteTarget {
  const spec = agentRollout({ router }).spec as AgentRolloutSpec;
  return {
    namespace: NAMESPACE,
    agent: "ingest",
    traffic: spec.traffic,
    owner: {
      apiVersion: "agentfleet.dev/v1alpha1",
      kind: "AgentRollout",
      name: "ingest",
      uid: "uid-1",
      controller: true,
    },
    podSelector: { agent: "ingest" },
    stableTrack: "blue",
    readyReplicas: ready,
  };
}

beforeAll(async () => {
  api = await startKubeApiServer();
  cluster = new ClientNodeCluster(kubeConfigForServer(api.url));
  for (const service of agentServices("ingest")) await cluster.create(service);
});
afterAll(async () => {
  await api.close();
});

describe("Gateway API router", () => {
  it("renders and owns the HTTPRoute, reads weights back, repairs drift keeping the weights", async () => {
    const router = new GatewayApiRouter(cluster);
    expect(await router.reconcile(target("gatewayAPI"))).toEqual({ blue: 100, green: 0 });
    await router.setWeights(target("gatewayAPI"), { blue: 70, green: 30 });
    expect(await router.getWeights(target("gatewayAPI"))).toEqual({ blue: 70, green: 30 });
    const route = await cluster.get(KINDS.httpRoute, { namespace: NAMESPACE, name: "ingest" });
    expect(route?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "AgentRollout",
      name: "ingest",
      controller: true,
    });
    expect(route?.spec).toMatchObject({
      hostnames: ["ingest.example.com"],
      parentRefs: [{ name: "fleet-gateway", namespace: "gateway-system", kind: "Gateway" }],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [
            { name: "ingest-blue", port: 8080, weight: 70 },
            { name: "ingest-green", port: 8080, weight: 30 },
          ],
        },
      ],
    });
    // Someone else edits the route: the controller owns it and puts it back, weights untouched.
    await cluster.patch(
      KINDS.httpRoute,
      { namespace: NAMESPACE, name: "ingest" },
      { spec: { hostnames: ["evil.example.com"] } },
    );
    expect(await router.reconcile(target("gatewayAPI"))).toEqual({ blue: 70, green: 30 });
    const repaired = await cluster.get(KINDS.httpRoute, { namespace: NAMESPACE, name: "ingest" });
    expect((repaired?.spec as { hostnames: string[] } | undefined)?.hostnames).toEqual([
      "ingest.example.com",
    ]);
  });
});

describe("Service selector router", () => {
  it("switches all traffic by the active Service's track selector and has no split capability", async () => {
    const router = new ServiceSelectorRouter(cluster);
    expect(splitsTraffic(router)).toBe(false);
    expect(await router.reconcile(target("serviceSelector"))).toEqual({ blue: 100, green: 0 });
    await router.setWeights(target("serviceSelector"), { blue: 0, green: 100 });
    expect(await router.getWeights(target("serviceSelector"))).toEqual({ blue: 0, green: 100 });
    await expect(
      router.setWeights(target("serviceSelector"), { blue: 50, green: 50 }),
    ).rejects.toBeInstanceOf(UnsupportedWeightsError);
  });

  it("owns the whole selector of the active Service, applied with its own field manager", async () => {
    const router = new ServiceSelectorRouter(cluster);
    await router.setWeights(target("serviceSelector"), { blue: 100, green: 0 });
    const service = await cluster.get(KINDS.service, { namespace: NAMESPACE, name: "ingest" });
    expect((service?.spec as { selector?: unknown } | undefined)?.selector).toEqual({
      agent: "ingest",
      track: "blue",
    });
    const managers = (service?.metadata as { managedFields?: Array<Record<string, unknown>> } | undefined)
      ?.managedFields;
    const owners = (managers ?? []).filter(
      (entry) => (entry.fieldsV1 as { "f:spec"?: Record<string, unknown> })["f:spec"]?.["f:selector"],
    );
    expect(owners.map((entry) => [entry.manager, entry.operation])).toEqual([
      ["agent-fleet-rollout-controller", "Apply"],
    ]);
  });
});

describe("Replica ratio router", () => {
  it("sizes the canary next to a full stable track and reports the share it achieves", async () => {
    const router = new ReplicaRatioRouter(cluster);
    expect(sizesReplicas(router)).toBe(true);
    expect([5, 25, 50, 100].map((weight) => router.canaryReplicas(10, weight))).toEqual([1, 3, 10, 10]);
    await router.setWeights(target("replicaRatio"), { blue: 95, green: 5 });
    const achieved = await router.getWeights(target("replicaRatio", { blue: 4, green: 1 }));
    expect(achieved).toEqual({ blue: 80, green: 20 });
    expect(weightsHonoured(router, { blue: 95, green: 5 }, achieved)).toBe(true);
    expect(weightsHonoured(router, { blue: 100, green: 0 }, achieved)).toBe(false);
    await router.setWeights(target("replicaRatio"), { blue: 0, green: 100 });
    expect(await router.getWeights(target("replicaRatio", { blue: 4, green: 4 }))).toEqual({
      blue: 0,
      green: 100,
    });
  });
});
