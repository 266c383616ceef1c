/** Which objects a change adds, removes or changes, and how each changed one differs field by field. */
import { type KubeObject, objectKey } from "../manifests/types.ts";
import { type FieldChange, fieldChanges } from "./fields.ts";
import { maskChange } from "./masking.ts";

export interface ChangedObject {
  key: string;
  kind: string;
  before: KubeObject;
  after: KubeObject;
  fields: Array<FieldChange & { masked: boolean }>;
}

export interface ObjectDiff {
  added: KubeObject[];
  removed: KubeObject[];
  changed: ChangedObject[];
}

/** Rule groups are compared rule by rule in their own section (see rules.ts). */
const SEPARATELY_DIFFED: Record<string, (path: string) => boolean> = {
  PrometheusRule: (path) => path.startsWith("spec.groups"),
};

export function diffObjects(base: readonly KubeObject[], head: readonly KubeObject[]): ObjectDiff {
  const before = new Map(base.map((object) => [objectKey(object), object]));
  const after = new Map(head.map((object) => [objectKey(object), object]));
  const added = head.filter((object) => !before.has(objectKey(object)));
  const removed = base.filter((object) => !after.has(objectKey(object)));
  const changed: ChangedObject[] = [];
  for (const [key, next] of after) {
    const previous = before.get(key);
    if (!previous) continue;
    const fields = fieldChanges(previous, next).map((change) => maskChange(next.kind, change));
    if (fields.length === 0) continue;
    changed.push({ key, kind: next.kind, before: previous, after: next, fields });
  }
  return { added, removed, changed };
}

/** Field changes shown in the resource section (rule groups have their own). */
export function shownFields(change: ChangedObject): ChangedObject["fields"] {
  const separate = SEPARATELY_DIFFED[change.kind];
  return separate ? change.fields.filter((field) => !separate(field.path)) : change.fields;
}

/** Only labels/annotations differ (e.g. the `version` label on every object of an upgraded agent). */
export function isMetadataOnly(change: ChangedObject): boolean {
  return change.fields.every((field) => /^metadata\.(labels|annotations)\b/.test(field.path));
}

export interface KindCounts {
  kind: string;
  added: number;
  changed: number;
  removed: number;
}

export function countsByKind(diff: ObjectDiff): KindCounts[] {
  const counts = new Map<string, KindCounts>();
  const bump = (kind: string, field: "added" | "changed" | "removed") => {
    const entry = counts.get(kind) ?? { kind, added: 0, changed: 0, removed: 0 };
    entry[field] += 1;
    counts.set(kind, entry);
  };
  for (const object of diff.added) bump(object.kind, "added");
  for (const change of diff.changed) bump(change.kind, "changed");
  for (const object of diff.removed) bump(object.kind, "removed");
  return [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}
