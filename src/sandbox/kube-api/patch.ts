/**
 * Patch bodies by content type. JSON merge patch (RFC 7386) and JSON patch (RFC 6902) are exact;
 * strategic merge patch and server-side apply are approximated by a merge patch (see server.ts).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class PatchError extends Error {}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge recursively, `null` deletes, everything else (arrays too) replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface JsonPatchOperation {
  op: "add" | "remove" | "replace" | "test" | "move" | "copy";
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(`JSON pointer "${path}" must start with "/"`);
  return path
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function parentOf(document: Json, tokens: string[]): { parent: JsonObject | Json[]; key: string } {
  let node: Json = document;
  for (const token of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node)
      ? node[Number(token)]
      : isObject(node)
        ? node[token]
        : undefined;
    if (next === undefined || next === null || typeof next !== "object") {
      throw new PatchError(`path segment "${token}" does not exist`);
    }
    node = next;
  }
  if (node === null || typeof node !== "object") throw new PatchError("path does not point into a container");
  return { parent: node, key: tokens[tokens.length - 1] ?? "" };
}

function read(document: Json, tokens: string[]): Json {
  let node: Json | undefined = document;
  for (const token of tokens) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`path "/${tokens.join("/")}" does not exist`);
  }
  return node;
}

function add(document: Json, tokens: string[], value: Json): Json {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : Number(key);
    if (!(index >= 0 && index <= parent.length)) throw new PatchError(`array index ${key} out of range`);
    parent.splice(index, 0, value);
  } else {
    parent[key] = value;
  }
  return document;
}

function remove(document: Json, tokens: string[]): Json {
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!(index >= 0 && index < parent.length)) throw new PatchError(`array index ${key} out of range`);
    parent.splice(index, 1);
  } else {
    if (!(key in parent)) throw new PatchError(`path "/${tokens.join("/")}" does not exist`);
    delete parent[key];
  }
  return document;
}

/** RFC 6902; `test` failures and missing paths fail the whole patch (422 in the API server). */
export function jsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw new PatchError("a JSON patch is an array of operations");
  let document = structuredClone(target);
  for (const operation of operations as JsonPatchOperation[]) {
    const tokens = pointer(operation.path);
    switch (operation.op) {
      case "add":
        document = add(document, tokens, structuredClone(operation.value ?? null));
        break;
      case "remove":
        document = remove(document, tokens);
        break;
      case "replace":
        read(document, tokens);
        document = add(remove(document, tokens), tokens, structuredClone(operation.value ?? null));
        break;
      case "test":
        if (JSON.stringify(read(document, tokens)) !== JSON.stringify(operation.value)) {
          throw new PatchError(`test failed at "${operation.path}"`);
        }
        break;
      case "move":
      case "copy": {
        const fromTokens = pointer(operation.from ?? "");
        const value = structuredClone(read(document, fromTokens));
        if (operation.op === "move") document = remove(document, fromTokens);
        document = add(document, tokens, value);
        break;
      }
      default:
        throw new PatchError(`unknown JSON patch op "${String((operation as { op: unknown }).op)}"`);
    }
  }
  return document;
}
