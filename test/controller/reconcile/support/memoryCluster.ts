/**
 * The `Cluster` port in memory: the sandbox API server's object store and request handlers
 * (optimistic concurrency, status and scale subresources, merge patch, server-side apply,
 * kube-apiserver's defaults) called directly, without HTTP. Every write the controller sends is
 * recorded, in order, as one line of the shared `timeline`.
 */

import { LABEL_KEYS } from "../../../../src/contract/labels.ts";
import {
  type Cluster,
  type Kind,
  type KubeObject,
  type ListOptions,
  type ObjectKey,
  type ObjectList,
  scaleBody,
  type WatchHandle,
} from "../../../../src/controller/kube/cluster.ts";
import { KubeApiError } from "../../../../src/controller/kube/errors.ts";
import {
  createObject,
  getObject,
  listObjects,
  patchObject,
  type ResourceRequest,
  replaceObject,
} from "../../../../src/sandbox/kube-api/handlers.ts";
import type { StoredObject } from "../../../../src/sandbox/kube-api/objects.ts";
import {
  groupVersion,
  type ResourceType,
  SANDBOX_RESOURCES,
} from "../../../../src/sandbox/kube-api/resources.ts";
import { ApiError, ObjectStore } from "../../../../src/sandbox/kube-api/store.ts";

const MANAGER = "agent-fleet-rollout-controller";

/** `create Deployment ingest-green (replicas 1, revision …)`: what a written object is about. */
function describeObject(verb: string, object: KubeObject): string {
  const replicas = (object.spec as { replicas?: number } | undefined)?.replicas;
  const revision = object.metadata.labels?.[LABEL_KEYS.revision];
  const details = [
    ...(replicas !== undefined ? [`replicas ${replicas}`] : []),
    ...(revision ? [`revision ${revision}`] : []),
  ];
  return `${verb} ${object.kind} ${object.metadata.name}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

/** One write the controller sent, as the test reads it. */
export interface Write {
  verb: "create" | "replace" | "patch" | "patchStatus" | "apply" | "replaceScale";
  kind: string;
  name: string;
  body: unknown;
}

export function resourceType(kind: Pick<Kind, "apiVersion" | "kind">): ResourceType {
  const type = SANDBOX_RESOURCES.find(
    (candidate) => candidate.kind === kind.kind && groupVersion(candidate) === kind.apiVersion,
  );
  if (!type) throw new Error(`the sandbox API does not serve ${kind.apiVersion} ${kind.kind}`);
  return type;
}

export class MemoryCluster implements Cluster {
  readonly store = new ObjectStore();
  readonly writes: Write[] = [];

  private readonly timeline: string[];

  constructor(timeline: string[]) {
    this.timeline = timeline;
  }

  private request(
    kind: Pick<Kind, "apiVersion" | "kind">,
    namespace: string | undefined,
    name?: string,
    subresource?: string,
    params: Record<string, string> = {},
  ): ResourceRequest {
    return {
      store: this.store,
      type: resourceType(kind),
      namespace,
      name,
      subresource,
      params: new URLSearchParams(params),
      userAgent: `${MANAGER}/test`,
    };
  }

  private record(write: Write, describe: string): void {
    this.writes.push(write);
    this.timeline.push(describe);
  }

  private call<T>(action: () => T): Promise<T> {
    try {
      return Promise.resolve(structuredClone(action()));
    } catch (error) {
      if (error instanceof ApiError)
        return Promise.reject(new KubeApiError(error.code, error.reason, error.message));
      return Promise.reject(error);
    }
  }

  async get(kind: Kind, key: ObjectKey): Promise<KubeObject | undefined> {
    try {
      return getObject(this.request(kind, key.namespace, key.name)) as KubeObject;
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  list(kind: Kind, options: ListOptions): Promise<ObjectList> {
    const params: Record<string, string> = options.labelSelector
      ? { labelSelector: options.labelSelector }
      : {};
    return this.call(() => {
      const list = listObjects(this.request(kind, options.namespace, undefined, undefined, params));
      return list as unknown as ObjectList;
    });
  }

  create(object: KubeObject): Promise<KubeObject> {
    this.record(
      { verb: "create", kind: object.kind, name: object.metadata.name, body: object },
      describeObject("create", object),
    );
    return this.call(
      () =>
        createObject(this.request(object, object.metadata.namespace), structuredClone(object)) as KubeObject,
    );
  }

  replace(object: KubeObject): Promise<KubeObject> {
    this.record(
      { verb: "replace", kind: object.kind, name: object.metadata.name, body: object },
      describeObject("replace", object),
    );
    return this.call(
      () =>
        replaceObject(
          this.request(object, object.metadata.namespace, object.metadata.name),
          structuredClone(object),
        ) as KubeObject,
    );
  }

  patch(kind: Kind, key: ObjectKey, patch: Record<string, unknown>): Promise<KubeObject> {
    this.record(
      { verb: "patch", kind: kind.kind, name: key.name, body: patch },
      `patch ${kind.kind} ${key.name} ${JSON.stringify(patch)}`,
    );
    return this.call(
      () =>
        patchObject(
          this.request(kind, key.namespace, key.name),
          "application/merge-patch+json",
          JSON.stringify(patch),
        ) as KubeObject,
    );
  }

  patchStatus(
    kind: Kind,
    key: ObjectKey,
    status: Record<string, unknown>,
    resourceVersion?: string,
  ): Promise<KubeObject> {
    this.record(
      { verb: "patchStatus", kind: kind.kind, name: key.name, body: status },
      `patch ${kind.kind} ${key.name} status`,
    );
    const body = { status, ...(resourceVersion ? { metadata: { resourceVersion } } : {}) };
    return this.call(
      () =>
        patchObject(
          this.request(kind, key.namespace, key.name, "status"),
          "application/merge-patch+json",
          JSON.stringify(body),
        ) as KubeObject,
    );
  }

  apply(object: KubeObject, options: { force?: boolean } = {}): Promise<KubeObject> {
    this.record(
      { verb: "apply", kind: object.kind, name: object.metadata.name, body: object },
      `apply ${object.kind} ${object.metadata.name} ${JSON.stringify(object.spec)}`,
    );
    const params = { fieldManager: MANAGER, ...(options.force ? { force: "true" } : {}) };
    return this.call(
      () =>
        patchObject(
          this.request(object, object.metadata.namespace, object.metadata.name, undefined, params),
          "application/apply-patch+yaml",
          JSON.stringify(object),
        ) as KubeObject,
    );
  }

  replaceScale(kind: Kind, key: ObjectKey, replicas: number, resourceVersion?: string): Promise<KubeObject> {
    this.record(
      { verb: "replaceScale", kind: kind.kind, name: key.name, body: { replicas } },
      `scale ${kind.kind} ${key.name} to ${replicas}`,
    );
    const body = scaleBody(key, replicas, resourceVersion);
    return this.call(
      () => replaceObject(this.request(kind, key.namespace, key.name, "scale"), body) as KubeObject,
    );
  }

  watch(): Promise<WatchHandle> {
    return Promise.reject(new Error("one reconcile reads through the fixture, never a watch"));
  }

  /** Seeds an object as if it had always been there (not recorded as a write). */
  seed(object: KubeObject, status?: unknown): KubeObject {
    const type = resourceType(object);
    const created = this.store.create(
      type,
      object.metadata.namespace,
      structuredClone(object) as StoredObject,
    );
    if (status === undefined) return created as KubeObject;
    return this.store.replace(
      type,
      object.metadata.namespace,
      created.metadata.name ?? "",
      { ...created, status: structuredClone(status) } as StoredObject,
      "status",
    ) as KubeObject;
  }

  /** The stored object, read without recording anything. */
  read(kind: Pick<Kind, "apiVersion" | "kind">, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(resourceType(kind), namespace, name) as KubeObject | undefined;
  }

  /** A write by someone else (Pulumi, the Deployment controller), not recorded. */
  writeAsOthers(
    kind: Pick<Kind, "apiVersion" | "kind">,
    object: KubeObject,
    subresource: "main" | "status" = "main",
  ): KubeObject {
    return this.store.replace(
      resourceType(kind),
      object.metadata.namespace,
      object.metadata.name,
      structuredClone(object) as StoredObject,
      subresource,
    ) as KubeObject;
  }
}
