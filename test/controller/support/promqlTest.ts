/**
 * PromQL checked by the real promtool: `promtool test rules` with no rules, only
 * `promql_expr_test` expectations over synthetic series, one sample per interval (default 1m).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { stringify } from "yaml";
import { monitoringBinaries } from "../../../harness/monitoringGeneration.ts";

export interface Series {
  series: string;
  values: string;
}

/**
 * promtool's exit status and output, e.g. `0 Unit Testing: test.yaml\n  SUCCESS` (2.x; 3.x heads it
 * `Processing test file:`).
 */
export function promqlExprTest(
  inputs: Series[],
  expectations: unknown[],
  interval = "1m",
): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "agent-fleet-promql-"));
  writeFileSync(join(dir, "rules.yaml"), "groups: []\n");
  writeFileSync(
    join(dir, "test.yaml"),
    stringify({
      rule_files: ["rules.yaml"],
      evaluation_interval: interval,
      tests: [{ interval, input_series: inputs, promql_expr_test: expectations }],
    }),
  );
  const promtool = monitoringBinaries().promtool;
  const result = spawnSync(promtool, ["test", "rules", "test.yaml"], { cwd: dir, encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  expect(result.error, `${promtool} could not run`).toBeUndefined();
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
