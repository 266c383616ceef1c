/**
 * Applies test/fixtures/policy-violations/injections.yaml to rendered objects: violations that only
 * broken objects can have (a privileged container, a removed NetworkPolicy, …).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { type KubeObject, objectKey } from "../../../src/manifests/types.ts";

export type Injection =
  | { target: string; set?: Record<string, unknown>; delete?: string[] }
  | { remove: string }
  | { removeKind: string[] }
  | { add: KubeObject };

/** `a.b[2].c` → ["a", "b", 2, "c"]. */
function segments(path: string): Array<string | number> {
  return path.split(".").flatMap((part) => {
    const [name = "", ...indexes] = part.split("[");
    return [name, ...indexes.map((index) => Number(index.replace("]", "")))].filter((s) => s !== "");
  });
}

function parentOf(
  root: unknown,
  path: string,
): { parent: Record<string | number, unknown>; key: string | number } {
  const keys = segments(path);
  const key = keys.pop();
  if (key === undefined) throw new Error(`empty injection path`);
  let node = root as Record<string | number, unknown>;
  keys.forEach((segment, index) => {
    if (node[segment] === undefined) node[segment] = typeof keys[index + 1] === "number" ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
  return { parent: node, key };
}

function apply(objects: KubeObject[], injection: Injection): KubeObject[] {
  if ("remove" in injection) {
    const kept = objects.filter((object) => objectKey(object) !== injection.remove);
    if (kept.length === objects.length)
      throw new Error(`injection: nothing to remove at ${injection.remove}`);
    return kept;
  }
  if ("removeKind" in injection)
    return objects.filter((object) => !injection.removeKind.includes(object.kind));
  if ("add" in injection) return [...objects, injection.add];
  const target = objects.find((object) => objectKey(object) === injection.target);
  if (!target) throw new Error(`injection: no object ${injection.target}`);
  for (const [path, value] of Object.entries(injection.set ?? {})) {
    const { parent, key } = parentOf(target, path);
    parent[key] = value;
  }
  for (const path of injection.delete ?? []) {
    const { parent, key } = parentOf(target, path);
    if (!(key in parent)) throw new Error(`injection: ${injection.target} has no ${path}`);
    delete parent[key];
  }
  return objects;
}

export function injectViolations(objects: readonly KubeObject[], file: string): KubeObject[] {
  const injections = parse(readFileSync(file, "utf8")) as Injection[];
  return injections.reduce(apply, structuredClone([...objects]));
}
