/**
 * In-memory object store with API-server write semantics: one global resourceVersion counter,
 * optimistic concurrency (409 on a stale resourceVersion), `generation` bumped on non-metadata,
 * non-status changes, status subresource separation, and a bounded event history for watches.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "../../controller/rollout/revision.ts";
import type { StoredObject } from "./objects.ts";
import type { Json } from "./patch.ts";
import { qualifiedResource, type ResourceType, typeKey } from "./resources.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: WatchEventType;
  typeKey: string;
  resourceVersion: number;
  object: StoredObject;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  /** The `details` of the API's `Status` (e.g. the fields of an apply conflict). */
  details: Record<string, unknown> | undefined;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

/** Everything but metadata and status: what `generation` tracks. */
function desiredPart(object: StoredObject): string {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return canonicalJson(rest);
}

export type Subresource = "main" | "status";

export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly historyLimit: number;

  constructor(historyLimit = 50_000) {
    this.historyLimit = historyLimit;
  }

  resourceVersion(): string {
    return String(this.revision);
  }

  private bucket(type: ResourceType): Map<string, StoredObject> {
    const key = typeKey(type);
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    const found = this.bucket(type).get(`${namespace ?? ""}/${name}`);
    return found ? structuredClone(found) : undefined;
  }

  list(type: ResourceType, filter: (object: StoredObject) => boolean): StoredObject[] {
    return [...this.bucket(type).values()].filter(filter).map((object) => structuredClone(object));
  }

  create(type: ResourceType, namespace: string | undefined, body: StoredObject): StoredObject {
    const name =
      body.metadata.name ??
      (body.metadata.generateName ? `${body.metadata.generateName}${randomUUID().slice(0, 5)}` : undefined);
    if (!name) throw new ApiError(422, "Invalid", "metadata.name: Required value");
    const key = `${namespace ?? ""}/${name}`;
    const bucket = this.bucket(type);
    if (bucket.has(key))
      throw new ApiError(409, "AlreadyExists", `${qualifiedResource(type)} "${name}" already exists`);
    const object: StoredObject = {
      ...structuredClone(body),
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      kind: type.kind,
      metadata: {
        ...structuredClone(body.metadata),
        name,
        ...(type.namespaced ? { namespace } : {}),
        uid: randomUUID(),
        generation: 1,
        creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        resourceVersion: String(++this.revision),
      },
    };
    bucket.set(key, object);
    this.emit("ADDED", type, object);
    return structuredClone(object);
  }

  /**
   * Replaces an object. `main` writes keep the stored status when the type has a status
   * subresource; `status` writes keep everything but status. A resourceVersion in the body must
   * match the stored one (409 otherwise); without one the write is unconditional.
   */
  replace(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: StoredObject,
    subresource: Subresource,
    /** Field ownership after this write (server-side apply bookkeeping); absent: kept as it was. */
    managedFields?: Json,
  ): StoredObject {
    const key = `${namespace ?? ""}/${name}`;
    const bucket = this.bucket(type);
    const existing = bucket.get(key);
    if (!existing) throw new ApiError(404, "NotFound", `${qualifiedResource(type)} "${name}" not found`);
    const expected = body.metadata?.resourceVersion;
    if (expected !== undefined && expected !== existing.metadata.resourceVersion) {
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const merged: StoredObject =
      subresource === "status"
        ? { ...structuredClone(existing), status: structuredClone(body.status) }
        : {
            ...structuredClone(body),
            ...(type.statusSubresource ? { status: structuredClone(existing.status) } : {}),
            apiVersion: existing.apiVersion,
            kind: existing.kind,
            metadata: {
              ...structuredClone(body.metadata),
              name: existing.metadata.name,
              namespace: existing.metadata.namespace,
              uid: existing.metadata.uid,
              creationTimestamp: existing.metadata.creationTimestamp,
              generation: existing.metadata.generation,
              resourceVersion: existing.metadata.resourceVersion,
            },
          };
    if (merged.status === undefined) delete merged.status;
    if (managedFields !== undefined) merged.metadata.managedFields = managedFields;
    else if (existing.metadata.managedFields !== undefined)
      merged.metadata.managedFields = structuredClone(existing.metadata.managedFields);
    if (canonicalJson(merged) === canonicalJson({ ...existing })) return structuredClone(existing);
    if (desiredPart(merged) !== desiredPart(existing)) {
      merged.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    merged.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, merged);
    this.emit("MODIFIED", type, merged);
    return structuredClone(merged);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const key = `${namespace ?? ""}/${name}`;
    const bucket = this.bucket(type);
    const existing = bucket.get(key);
    if (!existing) throw new ApiError(404, "NotFound", `${qualifiedResource(type)} "${name}" not found`);
    bucket.delete(key);
    const tombstone = {
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(++this.revision) },
    };
    this.emit("DELETED", type, tombstone);
    return structuredClone(tombstone);
  }

  private emit(eventType: WatchEventType, type: ResourceType, object: StoredObject): void {
    const event: StoreEvent = {
      type: eventType,
      typeKey: typeKey(type),
      resourceVersion: this.revision,
      object: structuredClone(object),
    };
    this.history.push(event);
    if (this.history.length > this.historyLimit)
      this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of this.listeners) listener(event);
  }

  /** Events of one type after `resourceVersion`, or `expired` when history no longer reaches back that far. */
  eventsSince(type: ResourceType, resourceVersion: number): StoreEvent[] | "expired" {
    const oldest = this.history[0]?.resourceVersion ?? this.revision + 1;
    if (resourceVersion < oldest - 1 && resourceVersion < this.revision) return "expired";
    const key = typeKey(type);
    return this.history.filter((event) => event.typeKey === key && event.resourceVersion > resourceVersion);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets history up to now: watches from an older resourceVersion get 410 Gone (compaction). */
  compact(): void {
    this.history.length = 0;
  }
}
