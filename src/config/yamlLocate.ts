/**
 * Finding things in a parsed stack file by position: where a value is written (following merge
 * keys and aliases to the lines that hold it), and which value a character belongs to.
 */
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
} from "yaml";
import type { YamlPath } from "./yamlAliases.ts";

/**
 * Where a value starts. A map or list value starts on the line after its key, so for those the
 * key is reported: that is the line the user wrote (and the one to fix for an unknown key).
 */
export function offsetOf(document: Document, path: YamlPath): number | undefined {
  let node: unknown = document.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    node = resolved(document, node);
    if (isMap(node)) {
      pair = pairIn(document, node.items, segment);
      node = pair?.value;
    } else if (isSeq(node) && typeof segment === "number") {
      pair = undefined;
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  if (pair && isScalar(pair.key) && isCollection(resolved(document, pair.value))) return pair.key.range?.[0];
  return isScalar(node) || isCollection(node) || isAlias(node) ? node.range?.[0] : undefined;
}

/** A key's pair in a map, or in the maps merged into it with `<<` (written keys win, as in YAML). */
function pairIn(document: Document, items: Pair[], segment: string | number): Pair | undefined {
  const written = items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
  if (written) return written;
  for (const item of items) {
    if (!isMergeKey(item.key)) continue;
    const value = resolved(document, item.value);
    const sources = isSeq(value) ? value.items.map((source) => resolved(document, source)) : [value];
    for (const source of sources) {
      const merged = isMap(source) ? pairIn(document, source.items, segment) : undefined;
      if (merged) return merged;
    }
  }
  return undefined;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol";
}

function resolved(document: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

/** The path of the scalar (key or value) that contains the character at `offset`, if any. */
export function scalarPathAt(document: Document, offset: number): YamlPath | undefined {
  const pending: { node: unknown; path: YamlPath }[] = [{ node: document.contents, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next;
    if (isScalar(node) && node.range && node.range[0] <= offset && offset < node.range[1]) return path;
    if (!isCollection(node)) continue;
    node.items.forEach((item: unknown, index: number) => {
      if (isPair(item)) {
        const keyPath = [...path, isScalar(item.key) ? String(item.key.value) : "?"];
        pending.push({ node: item.key, path: keyPath }, { node: item.value as Node, path: keyPath });
      } else {
        pending.push({ node: item, path: [...path, index] });
      }
    });
  }
  return undefined;
}
