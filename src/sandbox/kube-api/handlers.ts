/**
 * CRUD on one resource type: get, list, create, replace, patch, delete, on the main resource and
 * on its `status` and `scale` subresources. Errors are thrown as `ApiError` and rendered as
 * `Status` objects by the server.
 */
import { parse as parseYaml } from "yaml";
import type { AdmissionHook } from "./admission.ts";
import { managerOf, recordUpdate, serverSideApply } from "./fieldManagers.ts";
import type { StoredObject } from "./objects.ts";
import { type Json, jsonPatch, mergePatch, PatchError } from "./patch.ts";
import { qualifiedResource, type ResourceType } from "./resources.ts";
import { fromScale, toScale } from "./scale.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "./selectors.ts";
import { ApiError, type ObjectStore } from "./store.ts";

export interface ResourceRequest {
  store: ObjectStore;
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  params: URLSearchParams;
  /** Admission hooks, run on each write before it is stored. */
  admission?: readonly AdmissionHook[];
  userAgent?: string;
}

function manager(request: ResourceRequest): string {
  return managerOf(request.params, request.userAgent ?? "");
}

function admit(
  request: ResourceRequest,
  operation: "CREATE" | "UPDATE",
  object: StoredObject,
  oldObject: StoredObject | undefined,
): void {
  for (const hook of request.admission ?? []) {
    hook({
      operation,
      type: request.type,
      namespace: request.namespace,
      name: object.metadata.name ?? request.name,
      subresource: request.subresource,
      object,
      oldObject,
      userAgent: request.userAgent ?? "",
    });
  }
}

export function objectFilter(params: URLSearchParams): (object: StoredObject) => boolean {
  try {
    const labels = parseLabelSelector(params.get("labelSelector"));
    const fields = parseFieldSelector(params.get("fieldSelector"));
    return (object) => labels(object.metadata.labels ?? {}) && fields(object);
  } catch (error) {
    if (error instanceof SelectorError) throw new ApiError(400, "BadRequest", error.message);
    throw error;
  }
}

function requireName(request: ResourceRequest): string {
  if (!request.name)
    throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on a collection");
  return request.name;
}

function requireObject(request: ResourceRequest): StoredObject {
  const name = requireName(request);
  const found = request.store.get(request.type, request.namespace, name);
  if (!found) throw new ApiError(404, "NotFound", `${qualifiedResource(request.type)} "${name}" not found`);
  return found;
}

function checkSubresource(request: ResourceRequest): "main" | "status" | "scale" {
  const sub = request.subresource;
  if (sub === undefined) return "main";
  if (sub === "status" && request.type.statusSubresource) return "status";
  if (sub === "scale" && request.type.scale) return "scale";
  throw new ApiError(
    404,
    "NotFound",
    `the server could not find the requested resource (${request.type.plural}/${sub})`,
  );
}

export function getObject(request: ResourceRequest): StoredObject {
  const object = requireObject(request);
  return checkSubresource(request) === "scale" ? toScale(request.type, object) : object;
}

export function listObjects(request: ResourceRequest): Record<string, unknown> {
  const matches = objectFilter(request.params);
  const inNamespace = (object: StoredObject) =>
    !request.type.namespaced ||
    request.namespace === undefined ||
    object.metadata.namespace === request.namespace;
  const items = request.store.list(request.type, (object) => inNamespace(object) && matches(object));
  const gv = request.type.group ? `${request.type.group}/${request.type.version}` : request.type.version;
  return {
    apiVersion: gv,
    kind: `${request.type.kind}List`,
    metadata: { resourceVersion: request.store.resourceVersion() },
    items,
  };
}

function asObject(body: unknown): StoredObject {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(400, "BadRequest", "the request body is not a JSON object");
  }
  const object = body as StoredObject;
  if (!object.metadata || typeof object.metadata !== "object") object.metadata = {};
  return object;
}

export function createObject(request: ResourceRequest, body: unknown): StoredObject {
  if (request.name || request.subresource)
    throw new ApiError(405, "MethodNotAllowed", "POST goes to the collection");
  const object = asObject(body);
  if (request.type.namespaced && !request.namespace) {
    throw new ApiError(400, "BadRequest", "namespaced objects are created under /namespaces/<namespace>/");
  }
  if (object.metadata.namespace && object.metadata.namespace !== request.namespace) {
    throw new ApiError(
      400,
      "BadRequest",
      "the namespace of the object does not match the namespace of the request",
    );
  }
  request.type.defaults?.(object);
  admit(request, "CREATE", object, undefined);
  object.metadata.managedFields = recordUpdate(request.type, undefined, object, manager(request)) as never;
  return request.store.create(request.type, request.namespace, object);
}

export function replaceObject(request: ResourceRequest, body: unknown): StoredObject {
  const name = requireName(request);
  const subresource = checkSubresource(request);
  const incoming = asObject(body);
  if (incoming.metadata.name && incoming.metadata.name !== name) {
    throw new ApiError(400, "BadRequest", "the name of the object does not match the name in the URL");
  }
  const existing = requireObject(request);
  if (subresource === "scale") {
    const updated = fromScale(request.type, existing, incoming);
    return writeUpdate(request, existing, updated, "scale");
  }
  if (subresource === "main") request.type.defaults?.(incoming, existing);
  return writeUpdate(request, existing, incoming, subresource);
}

/** Admits and stores an update, recording its manager's fields; scale writes answer a Scale. */
function writeUpdate(
  request: ResourceRequest,
  existing: StoredObject,
  updated: StoredObject,
  subresource: "main" | "status" | "scale",
): StoredObject {
  const name = requireName(request);
  admit(request, "UPDATE", updated, existing);
  // What the write leaves stored: a main write keeps the stored status, a status write the rest.
  const after =
    subresource === "status"
      ? { ...existing, status: updated.status }
      : request.type.statusSubresource
        ? { ...updated, status: existing.status }
        : updated;
  const owned = recordUpdate(
    request.type,
    existing,
    after as StoredObject,
    manager(request),
    subresource === "main" ? undefined : subresource,
  );
  const stored = request.store.replace(
    request.type,
    request.namespace,
    name,
    updated,
    subresource === "status" ? "status" : "main",
    owned as unknown as Json,
  );
  return subresource === "scale" ? toScale(request.type, stored) : stored;
}

/** Server-side apply of the main resource (`application/apply-patch+yaml`), creating when absent. */
function writeApply(request: ResourceRequest, existing: StoredObject | undefined, body: Json): StoredObject {
  const name = requireName(request);
  if (!request.params.get("fieldManager")) {
    throw new ApiError(
      400,
      "BadRequest",
      "PATCH is not supported for apply requests without fieldManager: fieldManager is required for apply requests",
    );
  }
  const config = asObject(body);
  const force = request.params.get("force") === "true";
  const { object, managedFields } = serverSideApply(request.type, existing, config, manager(request), force);
  object.metadata.name = name;
  request.type.defaults?.(object, existing);
  object.metadata.managedFields = managedFields as never;
  if (!existing) {
    admit(request, "CREATE", object, undefined);
    return request.store.create(request.type, request.namespace, object);
  }
  // A resourceVersion in the applied config is a precondition.
  const version = config.metadata.resourceVersion;
  object.metadata.resourceVersion = typeof version === "string" ? version : existing.metadata.resourceVersion;
  admit(request, "UPDATE", object, existing);
  return request.store.replace(request.type, request.namespace, name, object, "main", managedFields as never);
}

function parsePatchBody(contentType: string, text: string): Json {
  try {
    return (contentType.startsWith("application/apply-patch") ? parseYaml(text) : JSON.parse(text)) as Json;
  } catch {
    throw new ApiError(400, "BadRequest", `the patch body is not valid ${contentType}`);
  }
}

function applyPatch(contentType: string, target: StoredObject, body: Json): StoredObject {
  try {
    if (contentType === "application/json-patch+json") return jsonPatch(target as Json, body) as StoredObject;
    // Strategic merge is approximated by a JSON merge patch (see server.ts); apply has its own path.
    return mergePatch(target as Json, body) as StoredObject;
  } catch (error) {
    if (error instanceof PatchError) throw new ApiError(422, "Invalid", error.message);
    throw error;
  }
}

const PATCH_TYPES = [
  "application/merge-patch+json",
  "application/json-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

export function patchObject(request: ResourceRequest, contentType: string, text: string): StoredObject {
  const name = requireName(request);
  const subresource = checkSubresource(request);
  const type = contentType.split(";")[0]?.trim() ?? "";
  if (!PATCH_TYPES.includes(type)) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format: ${contentType}`,
    );
  }
  const body = parsePatchBody(type, text);
  const existing = request.store.get(request.type, request.namespace, name);
  if (type === "application/apply-patch+yaml" && subresource === "main")
    return writeApply(request, existing, body);
  if (!existing)
    throw new ApiError(404, "NotFound", `${qualifiedResource(request.type)} "${name}" not found`);
  if (subresource === "scale") {
    const patchedScale = applyPatch(type, toScale(request.type, existing, "sentinel"), body);
    return writeUpdate(request, existing, fromScale(request.type, existing, patchedScale), "scale");
  }
  const patched = applyPatch(type, existing, body);
  // A resourceVersion inside the patch is a precondition, exactly as the API server treats it.
  const bodyVersion = (body as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
    ?.resourceVersion;
  patched.metadata = {
    ...patched.metadata,
    resourceVersion: typeof bodyVersion === "string" ? bodyVersion : existing.metadata.resourceVersion,
  };
  if (subresource === "main") request.type.defaults?.(patched, existing);
  return writeUpdate(request, existing, patched, subresource);
}

export function deleteObject(request: ResourceRequest): Record<string, unknown> {
  const name = requireName(request);
  if (request.subresource) throw new ApiError(405, "MethodNotAllowed", "subresources cannot be deleted");
  const deleted = request.store.delete(request.type, request.namespace, name);
  return {
    kind: "Status",
    apiVersion: "v1",
    status: "Success",
    details: { name, kind: request.type.plural, uid: deleted.metadata.uid },
  };
}
