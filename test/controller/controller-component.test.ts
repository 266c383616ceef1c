/** The `RolloutController` Pulumi component under mocks: children, parents and the CRD dependency. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { defineRolloutController } from "../../src/components/controller/index.ts";
import { loadStack } from "../../src/config/index.ts";

interface Registered {
  type: string;
  name: string;
  urn: string;
  parent: string;
  dependencies: string[];
  inputs: Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** What the component must register under itself. */
const CHILD_TYPES = [
  "kubernetes:core/v1:Namespace",
  "kubernetes:core/v1:ServiceAccount",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  "kubernetes:rbac.authorization.k8s.io/v1:Role",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:policy/v1:PodDisruptionBudget",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
];

describe("RolloutController component", () => {
  it("registers every controller object under the component, after the CRD", async () => {
    const registered: Registered[] = [];
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
      "agent-fleet",
      "dev",
      false,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      newUrn(parent: string, type: string, name: string): string;
      registerResource(request: RegisterRequest, callback: unknown): Promise<void>;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
      registered.push({
        type: request.getType(),
        name: request.getName(),
        urn: monitor.newUrn(request.getParent(), request.getType(), request.getName()),
        parent: request.getParent(),
        dependencies: request.getDependenciesList(),
        inputs: request.getObject()?.toJavaScript() ?? {},
      });
      return register(request, callback);
    };
    const fleet = loadStack("dev").fleet;
    const crd = new k8s.apiextensions.v1.CustomResourceDefinition("agentrollouts.agentfleet.dev", {
      metadata: { name: "agentrollouts.agentfleet.dev" },
      spec: {
        group: "agentfleet.dev",
        names: { kind: "AgentRollout", plural: "agentrollouts" },
        scope: "Namespaced",
        versions: [],
      },
    });
    const controller = defineRolloutController(fleet, crd);
    await new Promise<void>((resolve) => controller.urn.apply(() => resolve()));
    // The children register after the component, as their inputs resolve: wait for them (not a
    // fixed sleep a busy machine may cut short).
    const childrenOf = () => {
      const component = registered.find((r) => r.type === "agent-fleet:index:RolloutController");
      return { component, children: registered.filter((r) => r.parent === component?.urn) };
    };
    await vi.waitFor(
      () => expect(childrenOf().children.map((r) => r.type)).toEqual(expect.arrayContaining(CHILD_TYPES)),
      { timeout: 30_000, interval: 20 },
    );

    const { component, children } = childrenOf();
    expect(component?.name).toBe("rollout-controller");
    const types = children.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(CHILD_TYPES));
    const crdUrn = registered.find(
      (r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
    )?.urn;
    const deployment = children.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    expect(deployment?.dependencies).toContain(crdUrn);
    expect((deployment?.inputs.spec as { replicas: number } | undefined)?.replicas).toBe(2);
    // Monitoring is left to the fleet's Monitoring component.
    expect(types).not.toContain("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
  });
});
