/**
 * Alert and recording rule changes, rule by rule: a threshold change shows as the one rule whose
 * expression changed, with the expression diff, instead of an opaque change to a PrometheusRule.
 */
import type { KubeObject } from "../manifests/types.ts";
import { fieldChanges } from "./fields.ts";

export interface RuleEntry {
  /** `group / alert Name` or `group / record name{label="…"}` (recording rules may share a name). */
  id: string;
  kind: "alert" | "record";
  rule: Record<string, unknown>;
}

export interface RuleChange {
  id: string;
  kind: "alert" | "record";
  change: "added" | "removed" | "changed";
  /** Changed fields (`expr`, `for`, `labels.severity`, …). */
  fields: string[];
  exprBefore?: string;
  exprAfter?: string;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

export function rulesOf(objects: readonly KubeObject[]): Map<string, RuleEntry> {
  const entries = new Map<string, RuleEntry>();
  for (const object of objects.filter((candidate) => candidate.kind === "PrometheusRule")) {
    const groups = asRecord(object.spec).groups;
    for (const group of Array.isArray(groups) ? groups : []) {
      const { name, rules } = asRecord(group);
      for (const rule of Array.isArray(rules) ? rules.map(asRecord) : []) {
        const kind = typeof rule.alert === "string" ? "alert" : "record";
        const labels = Object.entries(asRecord(rule.labels))
          .map(([key, value]) => `${key}="${String(value)}"`)
          .join(",");
        const base = `${String(name)} / ${kind} ${String(rule.alert ?? rule.record)}`;
        const id = kind === "record" && labels ? `${base}{${labels}}` : base;
        entries.set(entries.has(id) ? `${id} #${entries.size}` : id, { id, kind, rule });
      }
    }
  }
  return entries;
}

export function diffRules(base: readonly KubeObject[], head: readonly KubeObject[]): RuleChange[] {
  const before = rulesOf(base);
  const after = rulesOf(head);
  const changes: RuleChange[] = [];
  for (const [id, entry] of before) {
    if (!after.has(id)) changes.push({ id, kind: entry.kind, change: "removed", fields: [] });
  }
  for (const [id, entry] of after) {
    const previous = before.get(id);
    if (!previous) {
      changes.push({ id, kind: entry.kind, change: "added", fields: [] });
      continue;
    }
    const fields = [...new Set(fieldChanges(previous.rule, entry.rule).map(({ path }) => path))];
    if (fields.length === 0) continue;
    const exprChanged = previous.rule.expr !== entry.rule.expr;
    changes.push({
      id,
      kind: entry.kind,
      change: "changed",
      fields,
      ...(exprChanged ? { exprBefore: String(previous.rule.expr), exprAfter: String(entry.rule.expr) } : {}),
    });
  }
  return changes.sort((a, b) => a.id.localeCompare(b.id));
}
