/**
 * `AgentCluster`: one agent namespace with its quota, limits, network policies, RBAC and agent
 * ServiceAccounts. A thin wrapper: the objects come from `src/manifests/agentCluster`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../../config/index.ts";
import type { KubeObject } from "../../manifests/types.ts";
import { registerObject } from "../kubeObject.ts";

export interface AgentClusterArgs {
  /** The cluster's resolved config (namespace name, RBAC groups, storage classes). */
  cluster: Cluster;
  /** The rendered objects of this cluster; the Namespace among them is created first. */
  objects: KubeObject[];
}

export class AgentCluster extends pulumi.ComponentResource {
  /** The namespace agents of this cluster run in. */
  readonly namespace: pulumi.Output<string>;
  /** The Namespace resource, for `dependsOn` of everything placed in it. */
  readonly namespaceResource: pulumi.CustomResource;
  /** Every child resource, in registration order. */
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: AgentClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-fleet:index:AgentCluster", name, {}, opts);
    const { namespace, children } = createClusterResources(args, this);
    this.namespaceResource = namespace;
    this.children = children;
    this.namespace = pulumi.output(args.cluster.name);
    this.registerOutputs({ namespace: this.namespace });
  }
}

export function createClusterResources(args: AgentClusterArgs, parent: pulumi.Resource) {
  const namespaceObject = args.objects.find((object) => object.kind === "Namespace");
  if (!namespaceObject)
    throw new Error(`agent cluster ${args.cluster.name}: rendered objects lack its Namespace`);
  const namespace = registerObject(namespaceObject, { parent });
  const rest = args.objects
    .filter((object) => object !== namespaceObject)
    .map((object) => registerObject(object, { parent, dependsOn: [namespace] }));
  return { namespace, children: [namespace, ...rest] };
}
