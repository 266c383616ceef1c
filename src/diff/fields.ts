/**
 * Field-level view of an object for diffs: `path → value`, where lists of named items are keyed by
 * name (`containers[agent].image`) so reordering or inserting an item does not shift every index,
 * and lists of scalars compare as one value.
 */

export type FieldValue = string | number | boolean | null;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function keyOf(item: unknown, index: number, names: Set<string>): string {
  const name = isRecord(item) ? item.name : undefined;
  return typeof name === "string" && names.has(name) ? name : String(index);
}

function segment(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

function walk(value: unknown, path: string, out: Map<string, FieldValue>): void {
  if (Array.isArray(value)) {
    if (value.length === 0 || value.every((item) => !isRecord(item) && !Array.isArray(item))) {
      out.set(path, JSON.stringify(value));
      return;
    }
    // Named items: keyed by name only when every name is unique.
    const names = value.map((item) => (isRecord(item) ? item.name : undefined));
    const unique = new Set(names.filter((name): name is string => typeof name === "string"));
    const byName = unique.size === value.length ? unique : new Set<string>();
    for (const [index, item] of value.entries()) walk(item, `${path}[${keyOf(item, index, byName)}]`, out);
    return;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.set(path, "{}");
    for (const [key, child] of entries) walk(child, path === "" ? key : `${path}${segment(key)}`, out);
    return;
  }
  out.set(path, value === undefined ? null : (value as FieldValue));
}

export function flatten(value: unknown): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  walk(value, "", out);
  return out;
}

export interface FieldChange {
  path: string;
  /** undefined: the field is new. */
  before?: FieldValue;
  /** undefined: the field is gone. */
  after?: FieldValue;
}

export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const left = flatten(before);
  const right = flatten(after);
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  return paths.flatMap((path) => {
    const a = left.get(path);
    const b = right.get(path);
    if (a === b) return [];
    return [{ path, ...(left.has(path) ? { before: a } : {}), ...(right.has(path) ? { after: b } : {}) }];
  });
}
