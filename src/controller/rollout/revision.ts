/** Revisions: a short content hash of the pod template, stable across key order. */
import { createHash } from "node:crypto";

/** JSON with sorted keys: equal values give equal text regardless of key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function revisionOf(template: unknown): string {
  return createHash("sha256").update(canonicalJson(template)).digest("hex").slice(0, 10);
}
