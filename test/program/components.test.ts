/** The prod program under mocks: parenting, stable names, ownership and dependencies. */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type MockedStack,
  type RegisteredResource,
  runStackUnderMocks,
  SECRET_SIGNATURE_KEY,
} from "../../harness/pulumiStack.ts";

let stack: MockedStack;
beforeAll(async () => {
  stack = await runStackUnderMocks("prod");
});

const byType = (type: string) => stack.resources.filter((resource) => resource.type === type);
const urnOf = (type: string, name: string) =>
  stack.resources.find((resource) => resource.type === type && resource.name === name)?.urn;

function spec(resource: RegisteredResource): Record<string, unknown> {
  return (resource.inputs.spec ?? {}) as Record<string, unknown>;
}

describe("fleet components (prod, mocked engine)", () => {
  it("registers one AgentCluster per namespace and one Agent per agent", () => {
    expect(byType("agent-fleet:index:AgentCluster").map((resource) => resource.name)).toEqual([
      "data-processing",
      "ml-inference",
    ]);
    expect(byType("agent-fleet:index:Agent")).toHaveLength(7);
  });

  it("parents every Kubernetes resource to its component, except the fleet-wide CRD and adapter rules", () => {
    const unparented = stack.resources
      .filter((resource) => resource.type.startsWith("kubernetes:") && resource.parent === "")
      .map((resource) => `${resource.type} ${resource.name}`)
      .sort();
    expect(unparented).toEqual([
      "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition agentrollouts.agentfleet.dev",
      "kubernetes:core/v1:ConfigMap monitoring/agent-fleet-adapter-rules",
    ]);
    const ingestComponent = urnOf("agent-fleet:index:Agent", "ingest");
    const ingestChildren = stack.resources.filter((resource) => resource.parent === ingestComponent);
    expect(
      ingestChildren.map((resource) => `${resource.type.split(":").at(-1)} ${resource.name}`).sort(),
    ).toEqual([
      "AgentRollout data-processing/ingest",
      "ConfigMap data-processing/ingest-config",
      "HorizontalPodAutoscaler data-processing/ingest",
      "PodDisruptionBudget data-processing/ingest",
      "Service data-processing/ingest",
      "Service data-processing/ingest-blue",
      "Service data-processing/ingest-green",
      "Service data-processing/ingest-preview",
    ]);
  });

  it("keeps logical names stable (a rename would replace live resources)", () => {
    const names = stack.resources
      .filter((resource) => resource.type.startsWith("kubernetes:"))
      .map((resource) => `${resource.type.split(":").at(-1)} ${resource.name}`)
      .sort();
    expect(names).toMatchSnapshot();
  });

  it("makes the CRD a dependency of every AgentRollout", () => {
    const crd = urnOf(
      "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
      "agentrollouts.agentfleet.dev",
    );
    const rollouts = byType("kubernetes:agentfleet.dev/v1alpha1:AgentRollout");
    expect(rollouts.map((rollout) => rollout.name).sort()).toEqual([
      "data-processing/claims-processor",
      "data-processing/enrich",
      "data-processing/export",
      "data-processing/ingest",
    ]);
    for (const rollout of rollouts) expect(rollout.dependencies).toContain(crd);
  });

  it("never sets controller-owned fields", () => {
    const agentWorkloads = [
      ...byType("kubernetes:apps/v1:Deployment"),
      ...byType("kubernetes:agentfleet.dev/v1alpha1:AgentRollout"),
    ].filter((workload) => !workload.name.startsWith("agent-fleet-system/")); // the controller is not autoscaled
    expect(agentWorkloads).toHaveLength(7);
    for (const workload of agentWorkloads) {
      expect(spec(workload).replicas, workload.name).toBeUndefined();
      expect(workload.inputs.status, workload.name).toBeUndefined();
    }
    const routes = byType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").map((route) => route.name);
    expect(routes).not.toContain("data-processing/ingest");
    for (const name of ["data-processing/ingest", "data-processing/ingest-preview"]) {
      const service = stack.resources.find(
        (resource) => resource.type === "kubernetes:core/v1:Service" && resource.name === name,
      );
      // The controller owns the whole (atomic) selector of these Services: Pulumi sends none, and
      // no ignoreChanges either (under server-side apply the provider would send the ignored
      // field's live value and co-own the selector, conflicting with the controller's switch).
      expect(service?.ignoreChanges ?? []).toEqual([]);
      expect(spec(service as RegisteredResource).selector).toBeUndefined();
    }
  });

  it("never sends a secret config value in plaintext", () => {
    const leaks: string[] = [];
    const walk = (value: unknown, where: string): void => {
      if (typeof value === "string" && value.includes("mock-secret-value-for-")) leaks.push(where);
      if (value && typeof value === "object" && !(SECRET_SIGNATURE_KEY in value)) {
        for (const [key, child] of Object.entries(value)) walk(child, `${where}.${key}`);
      }
    };
    for (const resource of stack.resources) walk(resource.wireInputs, `${resource.type} ${resource.name}`);
    expect(leaks).toEqual([]);
  });

  it("exports namespaces and per-agent service DNS names", async () => {
    expect(stack.outputs.namespaces).toEqual(["data-processing", "ml-inference"]);
    const dns = await new Promise((resolve) => stack.outputs.agents[0]?.serviceDns.apply(resolve));
    expect(dns).toBe("ingest.data-processing.svc.cluster.local");
  });
});

describe("one source of truth", () => {
  it("registers exactly the controller objects the offline render writes", async () => {
    const { renderStack } = await import("../../src/render/renderStack.ts");
    const rendered = renderStack("prod").rendered;
    const controllerUrn = urnOf("agent-fleet:index:RolloutController", "rollout-controller");
    const registered = stack.resources
      .filter((resource) => resource.parent === controllerUrn)
      .map((resource) => ({ name: resource.name, inputs: resource.inputs }));
    const expected = rendered.controller.map((object) => ({
      name: object.metadata.namespace
        ? `${object.metadata.namespace}/${object.metadata.name}`
        : object.metadata.name,
      inputs: object,
    }));
    const order = (entry: { name: string; inputs: { kind?: unknown } }) =>
      `${entry.name} ${String(entry.inputs.kind)}`;
    const sorted = <T extends { name: string; inputs: { kind?: unknown } }>(entries: T[]) =>
      entries.sort((a, b) => order(a).localeCompare(order(b)));
    expect(sorted(registered)).toEqual(sorted(expected));
  });
});
