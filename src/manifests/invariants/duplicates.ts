/**
 * Object identity as the API server sees it: API group (not version), kind, namespace and name.
 * Two rendered objects with one identity are one object in the cluster, and whichever is applied
 * last silently wins; Pulumi would even register both, under different logical names.
 */
import type { KubeObject } from "../types.ts";
import { apiGroupOf } from "./objectLimits.ts";

/** Kinds without a namespace: a stray `metadata.namespace` on them does not make a new object. */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
]);

/** `Kind[.group] [namespace/]name`, as kubectl names an object. */
export function describeObject(object: KubeObject, withGroup = false): string {
  const group = apiGroupOf(object.apiVersion);
  const kind = withGroup && group ? `${object.kind}.${group}` : object.kind;
  const namespace = CLUSTER_SCOPED.has(object.kind) ? undefined : object.metadata.namespace;
  return `${kind} ${namespace ? `${namespace}/` : ""}${object.metadata.name}`;
}

function identityOf(object: KubeObject): string {
  return describeObject(object, true);
}

export interface Duplicate {
  first: KubeObject;
  /** The later object with the same identity (the one a problem is reported against). */
  again: KubeObject;
  identity: string;
}

export function duplicateObjects(objects: readonly KubeObject[]): Duplicate[] {
  const seen = new Map<string, KubeObject>();
  const duplicates: Duplicate[] = [];
  for (const object of objects) {
    if (typeof object.metadata?.name !== "string") continue;
    const identity = identityOf(object);
    const first = seen.get(identity);
    if (first) duplicates.push({ first, again: object, identity });
    else seen.set(identity, object);
  }
  return duplicates;
}
