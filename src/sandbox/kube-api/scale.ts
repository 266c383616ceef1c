/**
 * The `autoscaling/v1` Scale view of an object with a scale subresource, and writing it back,
 * with the API server's answers for a custom resource whose replica field is unset: GET fails
 * with 500 (the apiextensions server cannot build a Scale without it), while a PUT, or a PATCH
 * that sets the count, creates the field.
 */

import type { StoredObject } from "./objects.ts";
import type { Json } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { ApiError } from "./store.ts";

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

/** What kube-apiserver v1.37 answers for `GET …/scale` while the spec replicas field is unset. */
export function missingReplicasError(path: string): ApiError {
  return new ApiError(
    500,
    "InternalError",
    `Internal error occurred: the spec replicas field ${JSON.stringify(path)} does not exist`,
  );
}

/** Marks the unset count while a written Scale is applied (the API server's invalid-replicas sentinel). */
const UNSET_REPLICAS = -2147483648;

export function toScale(
  type: ResourceType,
  object: StoredObject,
  unset: "fail" | "sentinel" = "fail",
): StoredObject {
  const scale = type.scale;
  if (!scale) throw new ApiError(404, "NotFound", `${type.plural} have no scale subresource`);
  const specReplicas = readPath(object, scale.specReplicasPath);
  if (typeof specReplicas !== "number" && unset === "fail")
    throw missingReplicasError(scale.specReplicasPath);
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
    spec: { replicas: typeof specReplicas === "number" ? specReplicas : UNSET_REPLICAS },
    status: {
      replicas: (readPath(object, scale.statusReplicasPath) as number | undefined) ?? 0,
      ...(typeof selector === "string" && selector ? { selector } : {}),
    },
  };
}

/**
 * Applies a written Scale to the object: only the desired replica count changes. A PUT without
 * `spec.replicas` means 0 (the field is a plain int32); a patch that leaves an unset count unset
 * is refused as the API server refuses it.
 */
export function fromScale(type: ResourceType, object: StoredObject, scale: StoredObject): StoredObject {
  const path = type.scale?.specReplicasPath ?? ".spec.replicas";
  const replicas = (scale.spec as { replicas?: Json } | undefined)?.replicas ?? 0;
  if (replicas === UNSET_REPLICAS) {
    throw new ApiError(400, "BadRequest", `the spec replicas field ${JSON.stringify(path)} cannot be empty`);
  }
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(
      422,
      "Invalid",
      `Scale.autoscaling "${object.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const updated = structuredClone(object);
  writePath(updated as Record<string, unknown>, path, replicas);
  const expected = scale.metadata?.resourceVersion;
  updated.metadata.resourceVersion = expected ?? object.metadata.resourceVersion;
  return updated;
}
