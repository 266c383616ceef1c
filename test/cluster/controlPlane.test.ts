/**
 * The cluster tier's own ground: the control plane is the real thing the other files rely on —
 * the pinned version, RBAC enforced, the admission plugin on, kwok nodes Ready and pods scheduled
 * and Running on them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, waitFor } from "../../harness/cluster/controlPlane.ts";

let plane: ControlPlane;
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => plane?.stop());

describe("the real control plane", () => {
  it("serves Kubernetes v1.37.2 over TLS", () => {
    const version = JSON.parse(plane.kubectl(["version", "-o", "json"])) as {
      serverVersion: { gitVersion: string };
    };
    expect(version.serverVersion.gitVersion).toBe("v1.37.2");
  });

  it("enforces RBAC: a token without bindings is forbidden", () => {
    const nobody = plane.kubeconfigForToken("nobody", "not-a-valid-token");
    expect(() => plane.kubectl(["get", "pods", "-A"], { kubeconfig: nobody })).toThrow(/Unauthorized/);
    // `auth can-i` exits 1 when the answer is no.
    let answer = "";
    try {
      answer = plane.kubectl(["auth", "can-i", "list", "pods", "--as=system:serviceaccount:default:default"]);
    } catch (error) {
      answer = String((error as { stdout?: string }).stdout);
    }
    expect(answer.trim()).toBe("no");
    expect(plane.kubectl(["auth", "can-i", "list", "pods"]).trim()).toBe("yes");
  });

  it("runs pods on kwok nodes: scheduled, Running and Ready", async () => {
    plane.kubectl(["create", "deployment", "probe", "--image=registry.invalid/probe:1", "--replicas=2"]);
    await waitFor("probe deployment ready", 60_000, () => {
      const deployment = JSON.parse(plane.kubectl(["get", "deployment", "probe", "-o", "json"])) as {
        status?: { readyReplicas?: number };
      };
      return deployment.status?.readyReplicas === 2;
    });
    const pods = JSON.parse(plane.kubectl(["get", "pods", "-l", "app=probe", "-o", "json"])) as {
      items: Array<{ spec: { nodeName?: string }; status: { phase?: string } }>;
    };
    expect(pods.items.map((pod) => pod.status.phase)).toEqual(["Running", "Running"]);
    for (const pod of pods.items) expect(pod.spec.nodeName).toMatch(/^kwok-node-\d$/);
  });

  it("has a load-balancer provider: LoadBalancer Services get an ingress address", async () => {
    plane.kubectl(["create", "service", "loadbalancer", "probe-lb", "--tcp=80:8080"]);
    await waitFor("probe-lb ingress", 30_000, () => {
      const service = JSON.parse(plane.kubectl(["get", "service", "probe-lb", "-o", "json"])) as {
        status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } };
      };
      return service.status?.loadBalancer?.ingress?.[0]?.ip === "127.0.0.1";
    });
  });
});
