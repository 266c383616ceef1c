/**
 * Runs the real promtool / amtool on rendered files. Tests never skip: the tools are those of the
 * selected generation (harness/monitoringGeneration.ts): Debian's packages `prometheus` and
 * `prometheus-alertmanager` (scripts/install-system-deps.sh) or the toolchain's current builds.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll } from "vitest";
import { parse, stringify } from "yaml";
import { monitoringBinaries } from "../../../harness/monitoringGeneration.ts";
import type { AlertmanagerConfig } from "../../../src/manifests/monitoring/alerting/alertmanagerTypes.ts";
import type { RuleFile } from "../../../src/manifests/monitoring/rules/ruleTypes.ts";

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

export function runTool(tool: "promtool" | "amtool", args: string[], cwd?: string): ToolResult {
  const binary = monitoringBinaries()[tool];
  const result = spawnSync(binary, args, { cwd, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw new Error(`${binary} could not run: ${result.error.message}`);
  const stdout = result.stdout ?? "";
  const stderr = result.stderr ?? "";
  return { status: result.status ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` };
}

const createdDirs: string[] = [];
// Registered on the importing test file: its scratch directories go when the file's tests end.
afterAll(() => {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `agent-fleet-${prefix}-`));
  createdDirs.push(dir);
  return dir;
}

/** Writes `rules.yaml` into a fresh directory and returns its path. */
export function writeRuleFile(rules: RuleFile, dir = tempDir("rules")): string {
  const file = join(dir, "rules.yaml");
  writeFileSync(file, stringify(rules, { lineWidth: 0 }));
  return file;
}

export function writeAlertmanagerConfig(config: AlertmanagerConfig, dir = tempDir("alertmanager")): string {
  const file = join(dir, "alertmanager.yaml");
  writeFileSync(file, stringify(config, { lineWidth: 0 }));
  return file;
}

export const PROMTOOL_TESTS_DIR = join(import.meta.dirname, "..", "promtool");

export function promtoolTestFiles(): string[] {
  return readdirSync(PROMTOOL_TESTS_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => join(PROMTOOL_TESTS_DIR, name));
}

/**
 * Runs one promtool unit-test file against the rendered rules. The file names `rules.yaml` as its
 * rule file; the harness puts it next to the rendered one and pins `group_eval_order` to the
 * rendered order, so recording rules are evaluated before the alerts that read them.
 */
export function promtoolTestRules(testFile: string, rules: RuleFile): ToolResult {
  const dir = tempDir("promtool-test");
  const document = parse(readFileSync(testFile, "utf8")) as Record<string, unknown>;
  if (JSON.stringify(document.rule_files) !== JSON.stringify(["rules.yaml"])) {
    throw new Error(`${basename(testFile)}: rule_files must be [rules.yaml] (the rendered rule file)`);
  }
  // A test naming its groups (`group_eval_order`) gets only those: long time spans stay fast.
  const only = document.group_eval_order as string[] | undefined;
  const groups = only ? rules.groups.filter((group) => only.includes(group.name)) : rules.groups;
  if (only && groups.length !== only.length) {
    throw new Error(
      `${basename(testFile)}: group_eval_order names groups the rule file lacks: ${only.join(", ")}`,
    );
  }
  writeRuleFile({ groups }, dir);
  document.group_eval_order = groups.map((group) => group.name);
  const target = join(dir, basename(testFile));
  writeFileSync(target, stringify(document, { lineWidth: 0 }));
  return runTool("promtool", ["test", "rules", basename(target)], dir);
}
