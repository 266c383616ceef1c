/**
 * `clusters[].loadBalancer.awaitAddress: false`: the LoadBalancer Services of external agents
 * carry `pulumi.com/skipAwait: "true"`, so `pulumi up` does not wait 10 minutes for an address
 * where no load-balancer provider exists. Nothing else changes.
 */
import { describe, expect, it } from "vitest";
import { engineConfigOf, type RegisteredResource, runStackUnderMocks } from "../../harness/pulumiStack.ts";
import { SKIP_AWAIT_ANNOTATION, withoutLoadBalancerAwait } from "../../src/components/agent/index.ts";
import { stackFilePath } from "../../src/config/index.ts";

function services(resources: RegisteredResource[]) {
  return resources
    .filter((resource) => resource.type === "kubernetes:core/v1:Service")
    .map((resource) => {
      const metadata = resource.inputs.metadata as { annotations?: Record<string, string> };
      const spec = resource.inputs.spec as { type?: string };
      return {
        name: resource.name,
        type: spec.type,
        skipAwait: metadata.annotations?.[SKIP_AWAIT_ANNOTATION],
      };
    });
}

function prodClustersWith(loadBalancer: Record<string, unknown>): Record<string, string> {
  const clusters = JSON.parse(engineConfigOf(stackFilePath("prod")).config["agent-fleet:clusters"] ?? "[]");
  const edited = (clusters as Array<Record<string, unknown>>).map((cluster) => ({
    ...cluster,
    loadBalancer,
  }));
  return { "agent-fleet:clusters": JSON.stringify(edited) };
}

describe("LoadBalancer address wait", () => {
  it("by default Pulumi waits for the address: no Service is annotated", async () => {
    const { resources } = await runStackUnderMocks("prod");
    const all = services(resources);
    expect(all.filter((service) => service.type === "LoadBalancer").map((service) => service.name)).toEqual([
      "data-processing/partner-api",
    ]);
    expect(all.filter((service) => service.skipAwait !== undefined)).toEqual([]);
  });

  it('awaitAddress false: exactly the LoadBalancer Services get pulumi.com/skipAwait: "true"', async () => {
    const { resources } = await runStackUnderMocks("prod", undefined, {
      extraConfig: prodClustersWith({ awaitAddress: false }),
    });
    const annotated = services(resources).filter((service) => service.skipAwait !== undefined);
    expect(annotated).toEqual([
      { name: "data-processing/partner-api", type: "LoadBalancer", skipAwait: "true" },
    ]);
  });

  it("leaves every other object and existing annotations alone", () => {
    const clusterIp = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "a" },
      spec: { type: "ClusterIP" },
    };
    expect(withoutLoadBalancerAwait(clusterIp)).toBe(clusterIp);
    const external = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "b", annotations: { "example.com/x": "1" } },
      spec: { type: "LoadBalancer" },
    };
    expect(withoutLoadBalancerAwait(external).metadata.annotations).toEqual({
      "example.com/x": "1",
      "pulumi.com/skipAwait": "true",
    });
    expect(external.metadata.annotations).toEqual({ "example.com/x": "1" });
  });
});
