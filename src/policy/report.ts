/** The offline policy run as text: a readable table for terminals and CI logs, markdown for PR comments. */
import { table } from "../text/table.ts";
import type { PolicyRun } from "./evaluate.ts";
import type { Finding } from "./types.ts";

export interface RunSummary {
  stack: string;
  run: PolicyRun;
  elapsedMs: number;
}

function counts(findings: readonly Finding[]) {
  const mandatory = findings.filter((finding) => finding.enforcement === "mandatory").length;
  return { mandatory, advisory: findings.length - mandatory };
}

function headline({ stack, run, elapsedMs }: RunSummary): string {
  return `agent-fleet policies · stack ${stack} · ${run.evaluated.length} policies on ${run.objects} objects · ${elapsedMs.toFixed(1)} ms`;
}

function verdict(findings: readonly Finding[]): string {
  if (findings.length === 0) return "No violations.";
  const { mandatory, advisory } = counts(findings);
  const blocking = mandatory > 0 ? " Mandatory violations block `pulumi up`." : "";
  return `${findings.length} violation(s): ${mandatory} mandatory, ${advisory} advisory.${blocking}`;
}

export function formatTable(summary: RunSummary): string {
  const { findings } = summary.run;
  const rows = findings.map((finding) => [
    finding.policy,
    finding.resource,
    finding.message,
    finding.enforcement,
  ]);
  const body =
    findings.length > 0 ? `\n\n${table(["POLICY", "RESOURCE", "MESSAGE", "ENFORCEMENT"], rows)}` : "";
  return `${headline(summary)}${body}\n\n${verdict(findings)}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function formatMarkdown(summary: RunSummary): string {
  const { findings } = summary.run;
  const icon = counts(findings).mandatory > 0 ? "❌" : findings.length > 0 ? "⚠️" : "✅";
  const lines = [`#### ${icon} Policies · ${summary.stack}`, "", `${headline(summary)}`, ""];
  if (findings.length > 0) {
    lines.push("| policy | resource | message | enforcement |", "| --- | --- | --- | --- |");
    for (const finding of findings) {
      lines.push(
        `| \`${finding.policy}\` | \`${cell(finding.resource)}\` | ${cell(finding.message)} | ${finding.enforcement} |`,
      );
    }
    lines.push("");
  }
  lines.push(verdict(findings));
  return lines.join("\n");
}
