/**
 * Registers a plain object from `src/manifests` as the matching typed @pulumi/kubernetes resource
 * (custom resources as `apiextensions.CustomResource`). Logical names are `<namespace>/<name>` or
 * `<name>` for cluster-scoped kinds: stable, so re-rendering never replaces a resource.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { KubeObject } from "../manifests/types.ts";

type Factory = (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// Each typed class takes its own args type; the builders already emit exactly that shape.
const TYPED: Record<string, Factory> = {
  "v1/Namespace": (n, a, o) => new k8s.core.v1.Namespace(n, a, o),
  "v1/ConfigMap": (n, a, o) => new k8s.core.v1.ConfigMap(n, a, o),
  "v1/Secret": (n, a, o) => new k8s.core.v1.Secret(n, a, o),
  "v1/Service": (n, a, o) => new k8s.core.v1.Service(n, a, o),
  "v1/ServiceAccount": (n, a, o) => new k8s.core.v1.ServiceAccount(n, a, o),
  "v1/ResourceQuota": (n, a, o) => new k8s.core.v1.ResourceQuota(n, a, o),
  "v1/LimitRange": (n, a, o) => new k8s.core.v1.LimitRange(n, a, o),
  "v1/PersistentVolumeClaim": (n, a, o) => new k8s.core.v1.PersistentVolumeClaim(n, a, o),
  "apps/v1/Deployment": (n, a, o) => new k8s.apps.v1.Deployment(n, a, o),
  "policy/v1/PodDisruptionBudget": (n, a, o) => new k8s.policy.v1.PodDisruptionBudget(n, a, o),
  "autoscaling/v2/HorizontalPodAutoscaler": (n, a, o) =>
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(n, a, o),
  "networking.k8s.io/v1/NetworkPolicy": (n, a, o) => new k8s.networking.v1.NetworkPolicy(n, a, o),
  "rbac.authorization.k8s.io/v1/Role": (n, a, o) => new k8s.rbac.v1.Role(n, a, o),
  "rbac.authorization.k8s.io/v1/RoleBinding": (n, a, o) => new k8s.rbac.v1.RoleBinding(n, a, o),
  "rbac.authorization.k8s.io/v1/ClusterRole": (n, a, o) => new k8s.rbac.v1.ClusterRole(n, a, o),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (n, a, o) => new k8s.rbac.v1.ClusterRoleBinding(n, a, o),
  "apiextensions.k8s.io/v1/CustomResourceDefinition": (n, a, o) =>
    new k8s.apiextensions.v1.CustomResourceDefinition(n, a, o),
};

export function logicalName(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Registers one object; `args` may carry Outputs (secrets) in place of plain fields. */
export function registerObject(
  object: KubeObject,
  opts: pulumi.CustomResourceOptions,
  args: Record<string, unknown> = object,
): pulumi.CustomResource {
  const factory = TYPED[`${object.apiVersion}/${object.kind}`];
  const name = logicalName(object);
  if (factory) return factory(name, args as never, opts);
  return new k8s.apiextensions.CustomResource(name, args as k8s.apiextensions.CustomResourceArgs, opts);
}
