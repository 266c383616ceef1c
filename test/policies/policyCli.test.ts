/** `npm run policy` through its real CLI: the table, the exit code on mandatory failures, formats and pack config. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runProjectCli } from "../../harness/cli.ts";
import { POLICY_NAMES } from "../../src/policy/registry.ts";
import { VIOLATIONS_STACK } from "./support/stacks.ts";

function runPolicy(args: string[]): Promise<CliRun> {
  return runProjectCli("src/cli/policy.ts", args);
}

const scratch = mkdtempSync(join(tmpdir(), "policy-cli-"));
const advisoryConfig = join(scratch, "advisory.json");
let prod: CliRun;
let violations: CliRun;
let advisory: CliRun;
let dev: CliRun;
let badFormat: CliRun;

beforeAll(async () => {
  writeFileSync(advisoryConfig, JSON.stringify({ all: "advisory" }));
  [prod, violations, advisory, dev, badFormat] = await Promise.all([
    runPolicy(["--stack", "prod"]),
    runPolicy(["--stack", VIOLATIONS_STACK]),
    runPolicy(["--stack", VIOLATIONS_STACK, "--policy-config", advisoryConfig, "--format", "markdown"]),
    runPolicy(["--stack", "dev", "--format", "json"]),
    runPolicy(["--stack", "dev", "--format", "xml"]),
  ]);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm run policy", () => {
  it("passes prod with exit 0", () => {
    expect(prod.status).toBe(0);
    expect(prod.stdout).toMatch(
      new RegExp(
        `^agent-fleet policies · stack prod · ${POLICY_NAMES.length} policies on \\d+ objects · [\\d.]+ ms\n\nNo violations\\.\n$`,
      ),
    );
  });

  it("prints a table of violations and exits 1 when a mandatory policy fails", () => {
    expect(violations.status).toBe(1);
    const lines = violations.stdout.split("\n");
    expect(lines[2]).toMatch(/^POLICY +RESOURCE +MESSAGE +ENFORCEMENT$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^prod-replica-floor +data-processing\/HorizontalPodAutoscaler\/ingest +spec\.minReplicas is 2, below the prod floor of 3: raise replicas\.min to 3 +mandatory$/,
      ),
    );
    expect(violations.stdout).toContain(
      "8 violation(s): 8 mandatory, 0 advisory. Mandatory violations block `pulumi up`.",
    );
  });

  it("takes pack config like `pulumi preview --policy-pack-config`, and prints markdown for PR comments", () => {
    expect(advisory.status).toBe(0);
    expect(advisory.stdout).toMatch(/^#### ⚠️ Policies · violations\n/);
    expect(advisory.stdout).toContain(
      '| `image-pinned` | `data-processing/Deployment/export` | container "agent" image ghcr.io/agent-fleet/export-agent:latest uses the mutable tag "latest": pin a release tag or digest | advisory |',
    );
    expect(advisory.stdout).toContain("8 violation(s): 0 mandatory, 8 advisory.");
  });

  it("prints JSON on request, and rejects unknown formats", () => {
    expect(dev.status).toBe(0);
    const report = JSON.parse(dev.stdout) as {
      stack: string;
      findings: unknown[];
      evaluated: Array<{ policy: string; enforcement: string }>;
    };
    expect(report).toMatchObject({ stack: "dev", findings: [] });
    // Advisory in dev, but for what the API server would reject anyway.
    expect(report.evaluated.filter(({ enforcement }) => enforcement !== "advisory")).toEqual([
      { policy: "object-identity-and-limits", enforcement: "mandatory" },
    ]);
    expect(badFormat.status).toBe(1);
    expect(badFormat.stderr).toContain("--format xml: use one of table, markdown, json");
  });
});
