/**
 * A stack-file key under another namespace than `agent-fleet:` is read by nothing, so the setting
 * silently does nothing. The offline loader, the policy CLI and the Pulumi program all reject it
 * with the same line, naming the key and the `agent-fleet:<key>` it most likely meant; the
 * provider's and the engine's own namespaces stay allowed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { runProjectCli } from "../../harness/cli.ts";
import { engineConfigOf, failedRunUnderMocks, stackRun } from "../../harness/pulumiStack.ts";
import { FleetConfigError, loadStackFile, stackFilePath } from "../../src/config/index.ts";
import { loadFleetFromPulumi } from "../../src/config/pulumiConfig.ts";

const BASELINE = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "bad-config", "valid", "Pulumi.dev-baseline.yaml"),
  "utf8",
);
const scratch = mkdtempSync(join(tmpdir(), "config-namespaces-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeStack(name: string, text: string): string {
  const file = join(scratch, `Pulumi.${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

function baselineWith(from: string, to: string): string {
  expect(BASELINE).toContain(from);
  return BASELINE.replace(from, to);
}

function loadError(file: string): FleetConfigError {
  try {
    loadStackFile(file);
  } catch (error) {
    if (error instanceof FleetConfigError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

describe("keys under another namespace, offline", () => {
  it.each([
    ["agent_fleet:autoscaling", "agent-fleet:autoscaling"],
    ["agentfleet:autoscaling", "agent-fleet:autoscaling"],
    ["Agent-Fleet:autoscaling", "agent-fleet:autoscaling"],
    ["myproj:autoscaling", "agent-fleet:autoscaling"],
    ["agentfleet:autoscalling", "agent-fleet:autoscaling"],
  ])("%s is an error suggesting %s", (written, meant) => {
    const text = baselineWith("agent-fleet:autoscaling:", `${written}:`);
    const error = loadError(writeStack("foreign", text));
    expect(error.paths).toEqual([written]);
    expect(error.problems[0]?.message).toContain(`did you mean \`${meant}\`?`);
    expect(error.message).toContain(`  - ${written}: is never read:`);
    const line = text.split("\n").findIndex((candidate) => candidate.startsWith(`  ${written}:`)) + 1;
    expect(error.problems[0]?.location).toBe(`Pulumi.foreign.yaml:${line}:3`);
  });

  it("a key the project needs, under another project's name: one problem, not also `is required`", () => {
    const text = baselineWith("  agent-fleet:agents:", "  myproj:agents:");
    const error = loadError(writeStack("other-project", text));
    expect(error.paths).toEqual(["myproj:agents"]);
    expect(error.problems[0]?.message).toBe(
      "is never read: this project reads `agent-fleet:*` (and `kubernetes:*`, `pulumi:*` for the provider and the engine), not `myproj:*`; did you mean `agent-fleet:agents`?",
    );
  });

  it("a foreign key is reported together with the file's other problems", () => {
    const text = baselineWith("agent-fleet:autoscaling:", "agentfleet:autoscaling:").replace(
      "max: 3 }",
      "max: 0 }",
    );
    const error = loadError(writeStack("both", text));
    expect([...error.paths].sort()).toEqual(["agentfleet:autoscaling", "agents[0].replicas.max"]);
  });

  it("a foreign key naming nothing known: no guess, just what to do", () => {
    const text = baselineWith(
      "  agent-fleet:environment: dev\n",
      "  agent-fleet:environment: dev\n  aws:region: eu-west-1\n",
    );
    const error = loadError(writeStack("aws", text));
    expect(error.paths).toEqual(["aws:region"]);
    expect(error.problems[0]?.message).not.toContain("did you mean");
    expect(error.problems[0]?.message).toMatch(/not `aws:\*`; remove it/);
  });

  it("the Kubernetes provider's and the engine's own settings stay allowed", () => {
    const text = baselineWith(
      "  agent-fleet:environment: dev\n",
      "  agent-fleet:environment: dev\n  kubernetes:context: kind-dev\n  pulumi:template: kubernetes-typescript\n",
    );
    expect(() => loadStackFile(writeStack("providers", text))).not.toThrow();
  });
});

describe("keys under another namespace, in the policy CLI", () => {
  it("exits 1 with the same line", async () => {
    const file = writeStack(
      "policy-cli",
      baselineWith("agent-fleet:autoscaling:", "agent_fleet:autoscaling:"),
    );
    const run = await runProjectCli("src/cli/policy.ts", ["--stack", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "  - agent_fleet:autoscaling: is never read: the namespace `agent_fleet` is not `agent-fleet`; did you mean `agent-fleet:autoscaling`?",
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("keys under another namespace, in the Pulumi program", () => {
  async function loadUnderEngine(extra: Record<string, string>) {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
      "agent-fleet",
      "dev",
      false,
    );
    const { config, secretKeys } = engineConfigOf(stackFilePath("dev"));
    pulumi.runtime.setAllConfig({ ...config, ...extra }, secretKeys);
    return loadFleetFromPulumi({ warn: () => {} });
  }

  it("the engine's config map with `agentfleet:autoscaling`: the same error as offline", async () => {
    const error = await loadUnderEngine({
      "agentfleet:autoscaling": JSON.stringify({ cpuUtilizationPercent: 60 }),
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FleetConfigError);
    expect((error as FleetConfigError).message).toContain(
      "  - agentfleet:autoscaling: is never read: the namespace `agentfleet` is not `agent-fleet`; did you mean `agent-fleet:autoscaling`?",
    );
  });

  it("kubernetes:* and pulumi:* keys load", async () => {
    const fleet = await loadUnderEngine({ "kubernetes:context": "kind-dev", "pulumi:template": "x" });
    expect(fleet.environment).toBe("dev");
  });

  it("the program stops before registering anything", async () => {
    const { error, resources } = await failedRunUnderMocks(
      stackRun("dev", { extraConfig: { "myproj:agents": "[]" } }),
    );
    expect((error as Error).message).toContain("  - myproj:agents: is never read:");
    expect((error as Error).message).toContain("did you mean `agent-fleet:agents`?");
    expect(resources).toEqual([]);
  });
});
