/**
 * `RolloutController`: the rollout controller's namespace, ServiceAccount, least-privilege RBAC,
 * Deployment (two replicas, leader-elected), PodDisruptionBudget and NetworkPolicies. Its PodMonitor
 * and alerts belong to the fleet's Monitoring component. A thin wrapper: the objects come from
 * `src/manifests/controller`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { FleetConfig } from "../../config/index.ts";
import {
  buildRolloutControllerObjects,
  type RolloutControllerSpec,
  rolloutControllerSpec,
} from "../../manifests/controller/index.ts";
import type { KubeObject } from "../../manifests/types.ts";
import { registerObject } from "../kubeObject.ts";

export interface RolloutControllerArgs {
  /** Image, namespaces, Prometheus URL… Build it with `rolloutControllerSpec(fleet)`. */
  spec: RolloutControllerSpec;
  /** The AgentRollout CRD (registered by the program): the controller starts only after it. */
  crd: pulumi.Resource;
  /**
   * Agent Namespace resources: the controller's RoleBindings live there.
   * @default []
   */
  agentNamespaces?: pulumi.Resource[];
  /**
   * The controller's objects as the fleet render produced them (`renderFleet(…).controller`), so
   * the program registers exactly what the offline render and the policies saw.
   * @default built from `spec`
   */
  objects?: KubeObject[];
}

export class RolloutController extends pulumi.ComponentResource {
  /** Namespace the controller runs in. */
  readonly namespace: pulumi.Output<string>;
  /** The controller's Namespace resource, for `dependsOn` of objects placed in it (e.g. its PodMonitor). */
  readonly namespaceResource: pulumi.CustomResource;
  /** The controller Deployment's name. */
  readonly deploymentName: pulumi.Output<string>;
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: RolloutControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-fleet:index:RolloutController", name, {}, opts);
    const { namespace, children } = createRolloutControllerResources(args, this);
    this.namespaceResource = namespace;
    this.children = children;
    this.namespace = pulumi.output(args.spec.namespace);
    this.deploymentName = pulumi.output(args.spec.name);
    this.registerOutputs({ namespace: this.namespace, deploymentName: this.deploymentName });
  }
}

export function createRolloutControllerResources(args: RolloutControllerArgs, parent: pulumi.Resource) {
  const objects = args.objects ?? buildRolloutControllerObjects(args.spec);
  const namespaceObject = objects.find((object) => object.kind === "Namespace");
  if (!namespaceObject) throw new Error("rollout controller: rendered objects lack its Namespace");
  const namespace = registerObject(namespaceObject, { parent });
  const rest = objects
    .filter((object) => object !== namespaceObject)
    .map((object) => {
      const inAgentNamespace =
        object.metadata.namespace !== undefined && object.metadata.namespace !== args.spec.namespace;
      const dependsOn = [args.crd, ...(inAgentNamespace ? (args.agentNamespaces ?? []) : [namespace])];
      return registerObject(object, { parent, dependsOn });
    });
  return { namespace, children: [namespace, ...rest] };
}

export interface DefineRolloutControllerOptions extends pulumi.ComponentResourceOptions {
  /** Agent Namespace resources (each AgentCluster's `namespaceResource`). @default [] */
  agentNamespaces?: pulumi.Resource[];
  /** Rendered controller objects (`renderFleet(…).controller`); omitted: built from the spec. */
  objects?: KubeObject[];
}

/** What `src/program.ts` calls: the controller of this fleet, started after the CRD. */
export function defineRolloutController(
  fleet: FleetConfig,
  crd: pulumi.Resource,
  options: DefineRolloutControllerOptions = {},
): RolloutController {
  const { agentNamespaces, objects, ...opts } = options;
  const spec = rolloutControllerSpec(fleet);
  return new RolloutController("rollout-controller", { spec, crd, agentNamespaces, objects }, opts);
}
