/**
 * The object-set check under the real program: a stack whose render holds an object the API
 * server would reject stops before the preflight reads the cluster and before any resource is
 * registered, and Pulumi shows the message alone.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stackFilePath } from "../../src/config/index.ts";
import { ObjectInvariantError } from "../../src/manifests/invariants/index.ts";
import { fakeCluster } from "../support/fakeCluster.ts";
import { failedRunUnderMocks, stackRun } from "../support/pulumiStack.ts";

function devAgentsWith(change: Record<string, unknown>): string {
  const file = parse(readFileSync(stackFilePath("dev"), "utf8")) as {
    config: { "agent-fleet:agents": Array<Record<string, unknown>> };
  };
  const [first, ...rest] = file.config["agent-fleet:agents"];
  return JSON.stringify([{ ...first, ...change }, ...rest]);
}

describe("the program checks the rendered objects before anything else touches the cluster", () => {
  it("a version that is no label value: one ObjectInvariantError, no cluster read, nothing registered", async () => {
    const cluster = fakeCluster();
    const { error, resources } = await failedRunUnderMocks(
      stackRun("dev", {
        cluster,
        extraConfig: { "agent-fleet:agents": devAgentsWith({ version: "_1.4.2" }) },
      }),
    );
    expect(error).toBeInstanceOf(ObjectInvariantError);
    expect((error as Error).message).toMatch(/^The render produced objects the API server would reject/);
    expect(cluster.asked).toEqual([]);
    expect(resources).toEqual([]);
  });

  it("is shown as its message alone (pulumi.RunError)", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { asRunError } = await import("../../src/program.ts");
    const error = new ObjectInvariantError([], () => undefined);
    const shown = asRunError(error);
    expect(pulumi.RunError.isInstance(shown)).toBe(true);
    expect((shown as Error).message).toBe(error.message);
  });
});
