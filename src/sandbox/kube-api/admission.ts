/**
 * Admission for the sandbox API: hooks that see each write before it is stored and may refuse it
 * (as validating admission plugins do), plus an emulation of kube-apiserver's
 * `OwnerReferencesPermissionEnforcement`, which production clusters commonly enable.
 */

import type { StoredObject } from "./objects.ts";
import { groupVersion, type ResourceType } from "./resources.ts";
import { ApiError } from "./store.ts";

export interface AdmissionRequest {
  operation: "CREATE" | "UPDATE";
  type: ResourceType;
  namespace: string | undefined;
  /** Absent for a create with `generateName`. */
  name: string | undefined;
  subresource: string | undefined;
  /** The object as it would be stored. */
  object: StoredObject;
  /** The stored object an update replaces. */
  oldObject: StoredObject | undefined;
  /** The sandbox has no users: the caller is known by its User-Agent. */
  userAgent: string;
}

/** Throws an `ApiError` to refuse the write. */
export type AdmissionHook = (request: AdmissionRequest) => void;

/** What an authorizer is asked (RBAC's request attributes). */
export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace: string | undefined;
  name: string | undefined;
}

interface OwnerReferenceShape {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

function ownerReferencesOf(object: StoredObject | undefined): OwnerReferenceShape[] {
  const refs = object?.metadata.ownerReferences;
  return Array.isArray(refs) ? (refs as OwnerReferenceShape[]) : [];
}

function sameReference(a: OwnerReferenceShape, b: OwnerReferenceShape): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.uid === b.uid &&
    Boolean(a.controller) === Boolean(b.controller) &&
    Boolean(a.blockOwnerDeletion) === Boolean(b.blockOwnerDeletion)
  );
}

function changesOwnerReferences(request: AdmissionRequest): boolean {
  const next = ownerReferencesOf(request.object);
  const previous = ownerReferencesOf(request.oldObject);
  return (
    next.length !== previous.length || next.some((ref, index) => !sameReference(ref, previous[index] ?? {}))
  );
}

/** References that newly block their owner's deletion (set now, not already set before). */
function newBlockingReferences(request: AdmissionRequest): OwnerReferenceShape[] {
  const previous = ownerReferencesOf(request.oldObject).filter((ref) => ref.blockOwnerDeletion);
  return ownerReferencesOf(request.object).filter(
    (ref) => ref.blockOwnerDeletion && !previous.some((old) => old.uid === ref.uid),
  );
}

function forbidden(request: AdmissionRequest, why: string): ApiError {
  const resource = request.type.group ? `${request.type.plural}.${request.type.group}` : request.type.plural;
  return new ApiError(403, "Forbidden", `${resource} "${request.name ?? ""}" is forbidden: ${why}`);
}

/**
 * kube-apiserver's `OwnerReferencesPermissionEnforcement` (plugin/pkg/admission/gc): changing
 * an object's ownerReferences needs `delete` on that object (creates excepted), and setting
 * `blockOwnerDeletion: true` needs `update` on the owner's `finalizers` subresource. The owner
 * kind is resolved against the types this server knows.
 */
export function ownerReferencesPermissionEnforcement(
  types: readonly ResourceType[],
  authorize: (userAgent: string, access: AccessAttributes) => boolean,
): AdmissionHook {
  return (request) => {
    if (!changesOwnerReferences(request)) return;
    const { type, namespace, name, userAgent } = request;
    if (
      request.operation !== "CREATE" &&
      !authorize(userAgent, { verb: "delete", group: type.group, resource: type.plural, namespace, name })
    ) {
      throw forbidden(request, "cannot set an ownerRef on a resource you can't delete");
    }
    for (const ref of newBlockingReferences(request)) {
      const owner = types.find(
        (candidate) => groupVersion(candidate) === ref.apiVersion && candidate.kind === ref.kind,
      );
      const access: AccessAttributes = {
        verb: "update",
        group: owner?.group ?? (ref.apiVersion?.includes("/") ? (ref.apiVersion.split("/")[0] ?? "") : ""),
        resource: owner?.plural ?? `${(ref.kind ?? "").toLowerCase()}s`,
        subresource: "finalizers",
        namespace,
        name: ref.name,
      };
      if (!authorize(userAgent, access)) {
        throw forbidden(
          request,
          "cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on",
        );
      }
    }
  };
}
