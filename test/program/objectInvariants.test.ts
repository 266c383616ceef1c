/**
 * The object-set check under the real program: a stack whose render holds an object the API
 * server would reject stops before the preflight reads the cluster and before any resource is
 * registered, and Pulumi shows the message alone.
 */
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../harness/cli.ts";
import { fakeCluster } from "../../harness/fakeCluster.ts";
import { failedRunUnderMocks, stackRun } from "../../harness/pulumiStack.ts";
import { loadStack } from "../../src/config/index.ts";
import { ObjectInvariantError } from "../../src/manifests/invariants/index.ts";

/** The dev fleet with its first agent's version set after validation (no label value). */
function devFleetWithBadVersion() {
  const fleet = loadStack("dev", PROJECT_DIR).fleet;
  const [first, ...rest] = fleet.agents;
  if (!first) throw new Error("the dev stack declares no agent");
  return { ...fleet, agents: [{ ...first, version: "_1.4.2" }, ...rest] };
}

describe("the program checks the rendered objects before anything else touches the cluster", () => {
  it("a version that is no label value: one ObjectInvariantError, no cluster read, nothing registered", async () => {
    const cluster = fakeCluster();
    const { error, resources } = await failedRunUnderMocks({
      ...stackRun("dev", { cluster }),
      fleet: devFleetWithBadVersion(),
    });
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
