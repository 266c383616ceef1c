/**
 * Server-side apply field ownership, reduced to what the project's writers meet: every write
 * records which manager owns which fields in `metadata.managedFields` (FieldsV1, as the API
 * server shows it); an apply (`application/apply-patch+yaml`) conflicts (409) on a field another
 * manager owns with a different value unless forced, takes its fields over when forced, and
 * removes fields it applied before and no longer applies when nobody else owns them.
 *
 * Granularity: maps are merged key by key, except the ones the API declares atomic (a Service's
 * or a Deployment's `spec.selector`: one owner for the whole map); every list is one atomic
 * field (the real server merges lists with merge keys, such as a Service's `ports`, item by item).
 */

import type { StoredObject } from "./objects.ts";
import type { Json } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { ApiError } from "./store.ts";

type JsonObject = { [key: string]: Json };
type Path = readonly string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Maps the API server treats as one field (`x-kubernetes-map-type: atomic` / `structType=atomic`). */
const ATOMIC_MAPS: Record<string, Path[]> = {
  Service: [["spec", "selector"]],
  Deployment: [["spec", "selector"]],
};

/** Never owned: identity and bookkeeping. */
const UNMANAGED_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
]);

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((segment, index) => segment === b[index]);
}

/** One path is the other or inside it: owning either means owning that part of the object. */
function overlaps(a: Path, b: Path): boolean {
  const shorter = a.length <= b.length ? a : b;
  const longer = shorter === a ? b : a;
  return shorter.every((segment, index) => segment === longer[index]);
}

function isAtomic(type: ResourceType, path: Path): boolean {
  return (ATOMIC_MAPS[type.kind] ?? []).some((atomic) => samePath(atomic, path));
}

/** Where writes to a (sub)resource may reach: status only through `/status`, and the rest otherwise. */
function inScope(type: ResourceType, scope: string, path: Path): boolean {
  const [top, second] = path;
  if (top === "apiVersion" || top === "kind") return false;
  if (top === "metadata" && second !== undefined && UNMANAGED_METADATA.has(second)) return false;
  if (scope === "status") return top === "status";
  return !(top === "status" && type.statusSubresource);
}

/** The fields an object sets, as paths to its leaves (scalars, lists, empty or atomic maps). */
export function fieldPaths(type: ResourceType, object: unknown, scope = "main"): Path[] {
  const out: Path[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (path.length > 0 && !inScope(type, scope, path)) return;
    if (isObject(value) && Object.keys(value).length > 0 && !isAtomic(type, path)) {
      for (const [key, child] of Object.entries(value)) if (child !== undefined) visit(child, [...path, key]);
      return;
    }
    if (path.length > 0) out.push(path);
  };
  visit(object, []);
  return out;
}

function read(object: unknown, path: Path): Json | undefined {
  let node: unknown = object;
  for (const segment of path) {
    if (!isObject(node)) return undefined;
    node = node[segment];
  }
  return node as Json | undefined;
}

function write(object: JsonObject, path: Path, value: Json): void {
  let node = object;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(node[segment])) node[segment] = {};
    node = node[segment] as JsonObject;
  }
  node[path[path.length - 1] ?? ""] = structuredClone(value);
}

function remove(object: JsonObject, path: Path): void {
  const parents: JsonObject[] = [];
  let node: unknown = object;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(node)) return;
    parents.push(node);
    node = node[segment];
  }
  if (!isObject(node)) return;
  delete node[path[path.length - 1] ?? ""];
  // Maps emptied by the removal go too (the apply no longer sets anything in them).
  for (let index = parents.length - 1; index >= 0; index--) {
    const parent = parents[index] as JsonObject;
    const key = path[index] ?? "";
    const child = parent[key];
    if (isObject(child) && Object.keys(child).length === 0 && index > 0) delete parent[key];
    else break;
  }
}

function equal(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** FieldsV1 (`{"f:spec": {"f:selector": {}}}`) ⇄ leaf paths. */
function toFieldsV1(paths: readonly Path[]): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      const key = `f:${segment}`;
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as JsonObject;
    }
  }
  return root;
}

function fromFieldsV1(fields: Json | undefined, prefix: string[] = []): Path[] {
  if (!isObject(fields)) return [];
  const children = Object.entries(fields).filter(([key]) => key.startsWith("f:"));
  if (children.length === 0) return prefix.length > 0 ? [prefix] : [];
  return children.flatMap(([key, child]) => fromFieldsV1(child, [...prefix, key.slice(2)]));
}

interface Owner {
  manager: string;
  operation: ManagedFieldsEntry["operation"];
  subresource: string | undefined;
  time: string;
  paths: Path[];
}

function ownersOf(object: StoredObject | undefined): Owner[] {
  const entries = object?.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  return (entries as unknown as ManagedFieldsEntry[]).map((entry) => ({
    manager: entry.manager,
    operation: entry.operation,
    subresource: entry.subresource,
    time: entry.time,
    paths: fromFieldsV1(entry.fieldsV1),
  }));
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function toEntries(owners: Owner[], apiVersion: string): ManagedFieldsEntry[] {
  return owners
    .filter((owner) => owner.paths.length > 0)
    .map((owner) => ({
      manager: owner.manager,
      operation: owner.operation,
      apiVersion,
      time: owner.time,
      fieldsType: "FieldsV1" as const,
      fieldsV1: toFieldsV1(owner.paths),
      ...(owner.subresource ? { subresource: owner.subresource } : {}),
    }));
}

function sameOwner(
  owner: Owner,
  manager: string,
  operation: Owner["operation"],
  subresource?: string,
): boolean {
  return owner.manager === manager && owner.operation === operation && owner.subresource === subresource;
}

/** Sets `owner.paths`, moving its `time` only when they change (a no-op write stays a no-op). */
function setPaths(owner: Owner, paths: Path[]): void {
  const key = (list: Path[]) =>
    list
      .map((path) => JSON.stringify(path))
      .sort()
      .join("\n");
  if (key(owner.paths) !== key(paths)) owner.time = now();
  owner.paths = paths;
}

/** The manager of a write: `fieldManager`, else the User-Agent up to its first `/` (the API server's default). */
export function managerOf(params: URLSearchParams, userAgent: string): string {
  return params.get("fieldManager") || userAgent.split("/")[0] || "unknown";
}

/**
 * An update (create, PUT, merge/JSON/strategic patch) by `manager`: it owns every field it
 * changed, and every other manager loses those.
 */
export function recordUpdate(
  type: ResourceType,
  before: StoredObject | undefined,
  after: StoredObject,
  manager: string,
  subresource?: string,
): ManagedFieldsEntry[] {
  const scope = subresource === "status" ? "status" : "main";
  const owners = ownersOf(before);
  const candidates = [...fieldPaths(type, after, scope), ...fieldPaths(type, before ?? {}, scope)];
  const changed = candidates.filter(
    (path, index) =>
      candidates.findIndex((other) => samePath(other, path)) === index &&
      !equal(read(before, path), read(after, path)),
  );
  const present = changed.filter((path) => read(after, path) !== undefined);
  let own = owners.find((owner) => sameOwner(owner, manager, "Update", subresource));
  if (!own && present.length > 0) {
    own = { manager, operation: "Update", subresource, time: now(), paths: [] };
    owners.push(own);
  }
  for (const owner of owners) {
    if (owner === own) continue;
    const kept = owner.paths.filter((path) => !changed.some((change) => overlaps(change, path)));
    if (kept.length !== owner.paths.length) setPaths(owner, kept);
  }
  if (own) {
    const kept = own.paths.filter(
      (path) => !changed.some((change) => overlaps(change, path)) && read(after, path) !== undefined,
    );
    setPaths(own, [...kept, ...present]);
  }
  return toEntries(owners, after.apiVersion ?? "");
}

export interface AppliedObject {
  object: StoredObject;
  managedFields: ManagedFieldsEntry[];
}

/**
 * A server-side apply of `config` by `manager` onto `live` (undefined: the apply creates it).
 * Throws 409 `Conflict` when the config sets a field another manager owns to a different value,
 * unless `force`.
 */
export function serverSideApply(
  type: ResourceType,
  live: StoredObject | undefined,
  config: StoredObject,
  manager: string,
  force: boolean,
): AppliedObject {
  const applied = fieldPaths(type, config);
  const owners = ownersOf(live);
  const mine = (owner: Owner) => sameOwner(owner, manager, "Apply", undefined);
  const conflicts: Array<{ manager: string; path: Path }> = [];
  for (const path of applied) {
    const current = read(live, path);
    if (current === undefined || equal(current, read(config, path))) continue;
    for (const owner of owners)
      if (!mine(owner) && owner.paths.some((owned) => overlaps(owned, path)))
        conflicts.push({ manager: owner.manager, path });
  }
  if (conflicts.length > 0 && !force) throw conflictError(type, conflicts);

  const object = structuredClone(live ?? { metadata: {} }) as StoredObject;
  const merged = object as unknown as JsonObject;
  const previous = owners.find(mine)?.paths ?? [];
  for (const path of previous) {
    if (applied.some((next) => samePath(next, path))) continue;
    const ownedElsewhere = owners.some(
      (owner) => !mine(owner) && owner.paths.some((owned) => overlaps(owned, path)),
    );
    if (!ownedElsewhere) remove(merged, path);
  }
  for (const path of applied) write(merged, path, read(config, path) as Json);
  object.apiVersion = config.apiVersion ?? object.apiVersion;
  object.kind = config.kind ?? object.kind;

  let own = owners.find(mine);
  if (!own) {
    own = { manager, operation: "Apply", subresource: undefined, time: now(), paths: [] };
    owners.push(own);
  }
  setPaths(own, applied);
  if (force) {
    for (const owner of owners) {
      if (owner === own) continue;
      const kept = owner.paths.filter((path) => !applied.some((next) => overlaps(next, path)));
      if (kept.length !== owner.paths.length) setPaths(owner, kept);
    }
  }
  return { object, managedFields: toEntries(owners, object.apiVersion ?? "") };
}

function conflictError(type: ResourceType, conflicts: Array<{ manager: string; path: Path }>): ApiError {
  const version = type.group ? `${type.group}/${type.version}` : type.version;
  const lines = conflicts.map(
    ({ manager, path }) => `conflict with "${manager}" using ${version}: .${path.join(".")}`,
  );
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  const error = new ApiError(409, "Conflict", message);
  error.details = {
    causes: conflicts.map(({ manager, path }) => ({
      reason: "FieldManagerConflict",
      message: `conflict with "${manager}" using ${version}`,
      field: `.${path.join(".")}`,
    })),
  };
  return error;
}
