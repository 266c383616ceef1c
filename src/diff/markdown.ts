/**
 * The stack diff as markdown for a PR comment: counts by kind, each changed resource with its field
 * changes (secrets masked), rule-by-rule alert changes with expression diffs, Alertmanager route
 * changes, and the risk line. The palette adds colour on terminals only.
 */
import type { FieldValue } from "./fields.ts";
import { lineDiff } from "./lineDiff.ts";
import { type ChangedObject, countsByKind, isMetadataOnly, shownFields } from "./objects.ts";
import { type Palette, PLAIN } from "./palette.ts";
import { riskSummary, type StackDiff } from "./risk.ts";
import type { RuleChange } from "./rules.ts";

export interface DiffHeader {
  /** What the base is (`origin/main`, a directory). */
  base: string;
  /** What the head is (usually `working tree`). */
  head: string;
}

/** GitHub rejects comments above 65536 characters; details are cut before that. */
export const MAX_COMMENT_LENGTH = 60_000;
const VALUE_WIDTH = 140;

function textOf(value: FieldValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `value` cut to the table width, starting near `from` (where it first differs from the other side). */
function inline(value: FieldValue | undefined, from = 0): string {
  if (value === undefined) return "—";
  const text = textOf(value);
  const start = text.length > VALUE_WIDTH ? Math.max(0, Math.min(from - 20, text.length - VALUE_WIDTH)) : 0;
  let short = text.slice(start, start + VALUE_WIDTH);
  if (start > 0) short = `…${short.slice(1)}`;
  if (start + VALUE_WIDTH < text.length) short = `${short.slice(0, -1)}…`;
  return `\`${short.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\n/g, "⏎")}\``;
}

/** Index of the first character where two values differ (0 when either side is missing). */
function firstDifference(before: FieldValue | undefined, after: FieldValue | undefined): number {
  if (before === undefined || after === undefined) return 0;
  const [a, b] = [textOf(before), textOf(after)];
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}

function isMultiline(value: FieldValue | undefined): value is string {
  return typeof value === "string" && value.includes("\n");
}

function diffBlock(before: string, after: string, palette: Palette): string[] {
  const body = lineDiff(before, after).map(({ op, text }) => {
    const line = `${op} ${text}`;
    return op === "+" ? palette.added(line) : op === "-" ? palette.removed(line) : line;
  });
  return ["```diff", ...body, "```"];
}

function changedObject(change: ChangedObject, palette: Palette): string[] {
  const title = `**${palette.changed("~")} \`${change.key}\`**`;
  const fields = shownFields(change);
  if (fields.length === 0) return [`${title} — rules only (see Alert rules)`, ""];
  if (isMetadataOnly(change)) {
    const list = fields.map((field) => `\`${field.path}\` ${inline(field.before)} → ${inline(field.after)}`);
    return [`${title} — labels/annotations only: ${list.join(", ")}`, ""];
  }
  const lines = [title, "", "| field | base | head |", "| --- | --- | --- |"];
  const blocks: string[] = [];
  for (const field of fields) {
    const multiline = !field.masked && (isMultiline(field.before) || isMultiline(field.after));
    const note = field.masked ? " (secret)" : "";
    const at = firstDifference(field.before, field.after);
    lines.push(
      multiline
        ? `| \`${field.path}\` | multi-line, see below | |`
        : `| \`${field.path}\`${note} | ${inline(field.before, at)} | ${inline(field.after, at)} |`,
    );
    if (multiline) {
      blocks.push(
        `\`${field.path}\`:`,
        ...diffBlock(String(field.before ?? ""), String(field.after ?? ""), palette),
      );
    }
  }
  return [...lines, "", ...blocks, ...(blocks.length > 0 ? [""] : [])];
}

function resourceSections(diff: StackDiff, palette: Palette): string[] {
  const lines: string[] = [];
  for (const { kind } of countsByKind(diff.objects)) {
    lines.push(palette.heading(`#### ${kind}`), "");
    for (const object of diff.objects.added.filter((candidate) => candidate.kind === kind)) {
      lines.push(
        `**${palette.added("+")} \`${object.metadata.namespace ?? "_cluster"}/${kind}/${object.metadata.name}\`** added`,
        "",
      );
    }
    for (const change of diff.objects.changed.filter((candidate) => candidate.kind === kind)) {
      lines.push(...changedObject(change, palette));
    }
    for (const object of diff.objects.removed.filter((candidate) => candidate.kind === kind)) {
      lines.push(
        `**${palette.removed("-")} \`${object.metadata.namespace ?? "_cluster"}/${kind}/${object.metadata.name}\`** removed`,
        "",
      );
    }
  }
  return lines;
}

function ruleSection(rules: RuleChange[], palette: Palette): string[] {
  if (rules.length === 0) return [];
  const marker = { added: palette.added("+"), removed: palette.removed("-"), changed: palette.changed("~") };
  const lines = [palette.heading("#### Alert rules"), "", "| | rule | change |", "| --- | --- | --- |"];
  for (const rule of rules) {
    const detail =
      rule.change === "changed" ? `changed: ${rule.fields.map((f) => `\`${f}\``).join(", ")}` : rule.change;
    lines.push(`| ${marker[rule.change]} | \`${rule.id}\` | ${detail} |`);
  }
  lines.push("");
  for (const rule of rules.filter((candidate) => candidate.exprBefore !== undefined)) {
    lines.push(`\`${rule.id}\`:`, ...diffBlock(rule.exprBefore ?? "", rule.exprAfter ?? "", palette), "");
  }
  return lines;
}

function alertingSection(diff: StackDiff, palette: Palette): string[] {
  const { routes, receivers, inhibitRules } = diff.alerting;
  if (routes.length + receivers.length + inhibitRules.added.length + inhibitRules.removed.length === 0)
    return [];
  const marker = { added: palette.added("+"), removed: palette.removed("-"), changed: palette.changed("~") };
  const lines = [palette.heading("#### Alertmanager"), ""];
  for (const route of routes) {
    const what =
      route.change === "changed" ? `${route.before} → ${route.after}` : (route.after ?? route.before ?? "");
    lines.push(`- ${marker[route.change]} route \`${route.route}\`: ${what}`);
  }
  for (const receiver of receivers) {
    const fields = receiver.fields.length > 0 ? `: ${receiver.fields.map((f) => `\`${f}\``).join(", ")}` : "";
    lines.push(`- ${marker[receiver.change]} receiver \`${receiver.name}\` ${receiver.change}${fields}`);
  }
  for (const rule of inhibitRules.added) lines.push(`- ${marker.added} inhibit rule \`${rule}\``);
  for (const rule of inhibitRules.removed) lines.push(`- ${marker.removed} inhibit rule \`${rule}\``);
  return [...lines, ""];
}

function summaryTable(diff: StackDiff): string[] {
  const counts = countsByKind(diff.objects);
  if (counts.length === 0) return [];
  return [
    "| kind | added | changed | removed |",
    "| --- | ---: | ---: | ---: |",
    ...counts.map(({ kind, added, changed, removed }) => `| ${kind} | ${added} | ${changed} | ${removed} |`),
    "",
  ];
}

export function formatDiff(diff: StackDiff, header: DiffHeader, palette: Palette = PLAIN): string {
  const { added, changed, removed } = diff.objects;
  const head = [
    palette.heading(`### agent-fleet diff · ${diff.stack}`),
    "",
    `\`${header.base}\` → ${header.head} · ${added.length} added, ${changed.length} changed, ${removed.length} removed`,
    "",
    `**Risk:** ${riskSummary(diff)}`,
    "",
  ];
  const details = [
    ...summaryTable(diff),
    ...resourceSections(diff, palette),
    ...ruleSection(diff.rules, palette),
    ...alertingSection(diff, palette),
  ];
  const full = [...head, ...details].join("\n").trimEnd();
  if (full.length <= MAX_COMMENT_LENGTH) return full;
  const cut = details.join("\n").slice(0, MAX_COMMENT_LENGTH - head.join("\n").length - 200);
  const kept = cut.slice(0, cut.lastIndexOf("\n"));
  // Never leave a code block open where the cut falls.
  const fence = (kept.match(/^```/gm) ?? []).length % 2 === 1 ? "\n```" : "";
  return `${head.join("\n")}\n${kept}${fence}\n\n… (truncated: run \`npm run diff -- --stack ${diff.stack}\` for the full diff)`;
}
