/**
 * The object-set check in the render pipeline: `renderFleet` (which the offline render, the Pulumi
 * program and the sandbox all call) stops on an object the API server would reject, naming the
 * config that produced it, and the render CLI then writes nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { listFiles, PROJECT_DIR, runRenderCli } from "../../harness/renderCli.ts";
import { type Agent, type FleetConfig, loadStack, parseFleetConfig } from "../../src/config/index.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";
import { ObjectInvariantError, objectSetProblems } from "../../src/manifests/invariants/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "render-invariants-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A valid fleet with fields of `ingest` set after validation: the check must hold on its own,
 * whatever the config schema happens to reject first.
 */
function fleetWith(change: Partial<Agent>): FleetConfig {
  const fleet = parseFleetConfig(
    {
      environment: "dev",
      resourcePool: { cpu: "64", memory: "256Gi", storage: "4Ti" },
      agents: [
        {
          id: "enrich",
          image: "ghcr.io/agent-fleet/enrich-agent",
          version: "1.0.0",
          replicas: { min: 1, max: 2 },
        },
        {
          id: "ingest",
          image: "ghcr.io/agent-fleet/ingest-agent",
          version: "1.0.0",
          replicas: { min: 1, max: 2 },
        },
      ],
    },
    { source: "test fleet" },
  );
  return {
    ...fleet,
    agents: fleet.agents.map((agent) => (agent.id === "ingest" ? { ...agent, ...change } : agent)),
  };
}

function renderError(fleet: FleetConfig): ObjectInvariantError {
  try {
    renderFleet(fleet);
  } catch (error) {
    if (error instanceof ObjectInvariantError) return error;
    throw error;
  }
  throw new Error("renderFleet accepted the fleet");
}

describe("renderFleet checks the objects it produced", () => {
  it.each(["dev", "prod"])("the %s stack renders without a problem", (stack) => {
    const { objects } = renderFleet(loadStack(stack, PROJECT_DIR).fleet);
    expect(objectSetProblems(objects)).toEqual([]);
  });

  it("dataProcessing over 1 MiB: the ConfigMap, its size, the limit and the agent's config path", () => {
    const error = renderError(fleetWith({ dataProcessing: { rules: "r".repeat(1024 * 1024 + 10) } }));
    expect(error.problems.map(({ object }) => `${object.kind} ${object.metadata.name}`)).toEqual([
      "ConfigMap ingest-config",
    ]);
    expect(error.message).toContain(
      "ConfigMap data-processing/ingest-config: data + binaryData hold 1048586 bytes (largest: rules 1048586)",
    );
    expect(error.message).toContain("over the API server's limit of 1048576 bytes (1 MiB) per object");
    expect(error.message).toContain("(from agents[1] (ingest))");
  });

  it("a version that is a valid image tag but not a label value fails on every object that carries it", () => {
    const error = renderError(fleetWith({ version: "_1.4.2" }));
    const fields = new Set(error.problems.map(({ field }) => field));
    expect(fields).toContain('metadata.labels["version"]');
    expect(fields).toContain('spec.template.metadata.labels["version"]');
    expect(error.message).toContain(
      'Deployment data-processing/ingest: metadata.labels["version"] is "_1.4.2", not a label value',
    );
    expect(error.problems.every(({ object }) => object.metadata.labels?.agent === "ingest")).toBe(true);
  });
});

describe("the render CLI", () => {
  it("exits 1 with the problems and writes nothing", async () => {
    const stackFile = join(scratch, "Pulumi.broken.yaml");
    const dev = parse(readFileSync(join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, Array<Record<string, unknown>>>;
    };
    const agents = dev.config["agent-fleet:agents"] ?? [];
    // Eleven values of 100 KiB: each one unremarkable, together over what one ConfigMap may hold.
    const rules = Object.fromEntries(
      Array.from({ length: 11 }, (_, index) => [`rules${index}`, "r".repeat(102_400)]),
    );
    agents[0] = { ...agents[0], dataProcessing: rules };
    writeFileSync(stackFile, stringify(dev));
    const out = join(scratch, "out");
    const run = await runRenderCli(stackFile, out);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("The render produced objects the API server would reject");
    expect(run.stderr).toContain(
      `ConfigMap data-processing/${agents[0]?.id}-config: data + binaryData hold 1126400 bytes`,
    );
    expect(run.stderr).toContain(`(from agents[0] (${agents[0]?.id}))`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(listFiles(out)).toEqual([]);
  });
});
