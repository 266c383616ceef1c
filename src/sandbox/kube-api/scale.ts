/** The `autoscaling/v1` Scale view of an object with a scale subresource, and writing it back. */
import type { Json } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { ApiError, type StoredObject } from "./store.ts";

function segments(path: string): string[] {
  return path.replace(/^\./, "").split(".");
}

function readPath(object: unknown, path: string): unknown {
  let node = object;
  for (const segment of segments(path)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function writePath(object: Record<string, unknown>, path: string, value: unknown): void {
  const parts = segments(path);
  let node = object;
  for (const segment of parts.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== "object") node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] ?? ""] = value;
}

function matchLabelsSelector(object: StoredObject): string {
  const matchLabels = readPath(object, ".spec.selector.matchLabels") as Record<string, string> | undefined;
  return Object.entries(matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

export function toScale(type: ResourceType, object: StoredObject): StoredObject {
  const scale = type.scale;
  if (!scale) throw new ApiError(404, "NotFound", `${type.plural} have no scale subresource`);
  const selector = scale.labelSelectorPath
    ? readPath(object, scale.labelSelectorPath)
    : matchLabelsSelector(object);
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: (readPath(object, scale.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (readPath(object, scale.statusReplicasPath) as number | undefined) ?? 0,
      ...(typeof selector === "string" && selector ? { selector } : {}),
    },
  };
}

/** Applies a written Scale to the object: only the desired replica count changes. */
export function fromScale(type: ResourceType, object: StoredObject, scale: StoredObject): StoredObject {
  const replicas = (scale.spec as { replicas?: Json } | undefined)?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, "Invalid", "spec.replicas: must be a non-negative integer");
  }
  const updated = structuredClone(object);
  writePath(updated as Record<string, unknown>, type.scale?.specReplicasPath ?? ".spec.replicas", replicas);
  const expected = scale.metadata?.resourceVersion;
  updated.metadata.resourceVersion = expected ?? object.metadata.resourceVersion;
  return updated;
}
