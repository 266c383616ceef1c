/**
 * `Agent`: one agent's workload (Deployment or AgentRollout), ConfigMap, Services, HPA, PDB and,
 * for rolling HTTP agents, its HTTPRoute. Controller-owned fields are never set here: the Services
 * whose selector the controller switches are rendered without one (not `ignoreChanges`: under
 * server-side apply the provider would send the live value and co-own the atomic selector, and
 * the next `pulumi up` after a switch would conflict), and no workload sets replicas (the HPA
 * owns them).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Agent as AgentConfig } from "../../config/index.ts";
import type { KubeObject } from "../../manifests/types.ts";
import { registerObject } from "../kubeObject.ts";

export interface AgentArgs {
  agent: AgentConfig;
  /** The rendered objects of this agent. */
  objects: KubeObject[];
  /** The agent's namespace; every child waits for it. */
  namespace: pulumi.Resource;
  /**
   * The AgentRollout CRD; AgentRollouts are created only after it. Needed only by released agents
   * (`canary`, `blueGreen`): a fleet of `rolling` agents can go without the CRD and the controller.
   */
  agentRolloutCrd?: pulumi.Resource;
  /**
   * The cluster's `loadBalancer.awaitAddress`: `false` marks LoadBalancer Services
   * `pulumi.com/skipAwait`, so `pulumi up` does not wait for an address no provider assigns.
   * @default true
   */
  awaitLoadBalancerAddress?: boolean;
}

/** The pulumi-kubernetes annotation that turns off the provider's await logic for one object. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/**
 * A LoadBalancer Service that Pulumi neither waits for on create/update (no 10-minute wait for an
 * address, nor for ready endpoints) nor on delete. Other objects are returned unchanged.
 */
export function withoutLoadBalancerAwait(object: KubeObject): KubeObject {
  const spec = object.spec as { type?: string } | undefined;
  if (object.kind !== "Service" || spec?.type !== "LoadBalancer") return object;
  const annotations = { ...object.metadata.annotations, [SKIP_AWAIT_ANNOTATION]: "true" };
  return { ...object, metadata: { ...object.metadata, annotations } };
}

export class Agent extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** In-cluster DNS name of the active Service. */
  readonly serviceDns: pulumi.Output<string>;
  /** `rolling` (Deployment) or `canary` / `blueGreen` (AgentRollout driven by the controller). */
  readonly releaseMode: pulumi.Output<string>;
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: AgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-fleet:index:Agent", name, {}, opts);
    this.children = createAgentResources(args, this);
    this.namespace = pulumi.output(args.agent.cluster);
    this.serviceDns = pulumi.output(`${args.agent.id}.${args.agent.cluster}.svc.cluster.local`);
    this.releaseMode = pulumi.output(args.agent.strategy.type);
    this.registerOutputs({
      namespace: this.namespace,
      serviceDns: this.serviceDns,
      releaseMode: this.releaseMode,
    });
  }
}

export function createAgentResources(args: AgentArgs, parent: pulumi.Resource): pulumi.CustomResource[] {
  // Checked before anything is registered, so a wrong call leaves no half-made agent.
  if (!args.agentRolloutCrd && args.objects.some((object) => object.kind === "AgentRollout")) {
    throw new Error(
      `agent ${args.agent.id}: a ${args.agent.strategy.type} agent is an AgentRollout, which needs agentRolloutCrd (the CRD resource: defineFleet's, or CustomResourceDefinition.get of an installed one); or use strategy rolling`,
    );
  }
  return args.objects.map((object) => {
    const dependsOn =
      object.kind === "AgentRollout" && args.agentRolloutCrd
        ? [args.namespace, args.agentRolloutCrd]
        : [args.namespace];
    const registered = args.awaitLoadBalancerAddress === false ? withoutLoadBalancerAwait(object) : object;
    return registerObject(registered, { parent, dependsOn });
  });
}
