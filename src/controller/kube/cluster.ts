import { AGENT_ROLLOUT, AGENT_ROLLOUT_API_VERSION } from "../../contract/agentRollout.ts";
import { HTTP_ROUTE } from "../../contract/httpRoute.ts";
/**
 * The `Cluster` port: the only way the controller touches the Kubernetes API. The real adapter
 * (`clientNodeCluster.ts`) sits on `@kubernetes/client-node`; writes are conditional on
 * `metadata.resourceVersion` when one is given, and fail with `KubeApiError` (409 = conflict).
 */

export interface Kind {
  apiVersion: string;
  kind: string;
  /** Resource name in URLs. */
  plural: string;
}

export const KINDS = {
  agentRollout: {
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: AGENT_ROLLOUT.kind,
    plural: AGENT_ROLLOUT.plural,
  },
  deployment: { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments" },
  service: { apiVersion: "v1", kind: "Service", plural: "services" },
  httpRoute: { ...HTTP_ROUTE, plural: "httproutes" },
  lease: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", plural: "leases" },
  event: { apiVersion: "v1", kind: "Event", plural: "events" },
} as const satisfies Record<string, Kind>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectKey {
  namespace: string;
  name: string;
}

export interface ListOptions {
  /** Absent: every namespace. */
  namespace?: string;
  labelSelector?: string;
}

export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchOptions extends ListOptions {
  resourceVersion: string;
}

export interface WatchHandle {
  stop(): void;
  /** Settles when the stream ends: undefined for a clean close, the error otherwise (410 included). */
  closed: Promise<Error | undefined>;
}

export interface Cluster {
  get(kind: Kind, key: ObjectKey): Promise<KubeObject | undefined>;
  list(kind: Kind, options: ListOptions): Promise<ObjectList>;
  create(object: KubeObject): Promise<KubeObject>;
  /** Full replacement of the main resource; conditional when `metadata.resourceVersion` is set. */
  replace(object: KubeObject): Promise<KubeObject>;
  /** JSON merge patch of the main resource; a `metadata.resourceVersion` in it is a precondition. */
  patch(kind: Kind, key: ObjectKey, patch: Record<string, unknown>): Promise<KubeObject>;
  /** JSON merge patch of the `status` subresource, conditional on `resourceVersion` when given. */
  patchStatus(
    kind: Kind,
    key: ObjectKey,
    status: Record<string, unknown>,
    resourceVersion?: string,
  ): Promise<KubeObject>;
  /**
   * Server-side apply of `object` (only the fields it sets) with the adapter's field manager;
   * `force` takes over fields another manager owns instead of failing with 409.
   */
  apply(object: KubeObject, options?: { force?: boolean }): Promise<KubeObject>;
  /**
   * Writes the desired count through the `scale` subresource of a custom resource (what an HPA
   * does), conditional on `resourceVersion` when given. Returns the `autoscaling/v1` Scale.
   */
  replaceScale(kind: Kind, key: ObjectKey, replicas: number, resourceVersion?: string): Promise<KubeObject>;
  watch(kind: Kind, options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<WatchHandle>;
}

export function keyOf(object: { metadata: { namespace?: string; name: string } }): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf("/");
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The autoscaling/v1 Scale a `replaceScale` sends; with a resourceVersion it is a conditional write. */
export function scaleBody(key: ObjectKey, replicas: number, resourceVersion?: string) {
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: { name: key.name, namespace: key.namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: { replicas },
  };
}
