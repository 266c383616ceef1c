/**
 * CRUD on one resource type: get, list, create, replace, patch, delete, on the main resource and
 * on its `status` and `scale` subresources. Errors are thrown as `ApiError` and rendered as
 * `Status` objects by the server.
 */
import { parse as parseYaml } from "yaml";
import type { AdmissionHook } from "./admission.ts";
import { type Json, jsonPatch, mergePatch, PatchError } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { fromScale, toScale } from "./scale.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "./selectors.ts";
import { ApiError, type ObjectStore, type StoredObject } from "./store.ts";

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
  if (!found) throw new ApiError(404, "NotFound", `${request.type.plural} "${name}" not found`);
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
    admit(request, "UPDATE", updated, existing);
    return toScale(
      request.type,
      request.store.replace(request.type, request.namespace, name, updated, "main"),
    );
  }
  if (subresource === "main") request.type.defaults?.(incoming, existing);
  admit(request, "UPDATE", incoming, existing);
  return request.store.replace(request.type, request.namespace, name, incoming, subresource);
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
    // Strategic merge and apply patches are approximated by a JSON merge patch (see server.ts).
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
  if (!existing) {
    if (type !== "application/apply-patch+yaml" || subresource !== "main") {
      throw new ApiError(404, "NotFound", `${request.type.plural} "${name}" not found`);
    }
    const created = asObject(body);
    created.metadata.name = name;
    request.type.defaults?.(created);
    admit(request, "CREATE", created, undefined);
    return request.store.create(request.type, request.namespace, created);
  }
  if (subresource === "scale") {
    const patchedScale = applyPatch(type, toScale(request.type, existing, "sentinel"), body);
    const updated = fromScale(request.type, existing, patchedScale);
    admit(request, "UPDATE", updated, existing);
    return toScale(
      request.type,
      request.store.replace(request.type, request.namespace, name, updated, "main"),
    );
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
  admit(request, "UPDATE", patched, existing);
  return request.store.replace(request.type, request.namespace, name, patched, subresource);
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
