/**
 * The rollout controller as its image runs it: the file layout made by following
 * src/controller/Dockerfile (its sources and only the runtime packages its build stage installs),
 * started by the image's ENTRYPOINT with the image's environment (NODE_ENV=production) and no
 * tsx, against the real apiserver with the program's RBAC. It adopts the fleet and releases a
 * canary; a dependency the image lacks would stop it at its first import.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, waitFor } from "../../harness/cluster/controlPlane.ts";
import {
  agentsOf,
  applyStackEdit,
  fastReleases,
  healthyAtGeneration,
  installPrerequisites,
} from "../../harness/cluster/fleet.ts";
import { controllerImageLayout, entrypointCommand } from "../../harness/image/controllerImage.ts";
import type { ImageLayout } from "../../harness/image/imageLayout.ts";
import { CONTROLLER_RUNTIME_PACKAGES } from "../../scripts/image/controller-lock.mjs";
import { FakePrometheus, GOOD_TRAFFIC } from "../controller/support/fakePrometheus.ts";
import {
  type ControllerProcess,
  controllerKubeconfig,
  problems,
  startController,
} from "./support/controllerProcess.ts";

const NAMESPACE = "data-processing";
const scratch = mkdtempSync(join(tmpdir(), "cluster-controller-image-"));
const prometheus = new FakePrometheus({ traffic: GOOD_TRAFFIC });
let plane: ControlPlane;
let layout: ImageLayout;
let controller: ControllerProcess | undefined;
let renders = 0;

interface Rollout {
  metadata: { generation: number };
  status?: { phase?: string; activeTrack?: string; stableRevision?: string; observedGeneration?: number };
}
const rollout = (agent: string) =>
  JSON.parse(
    plane.kubectl(["get", "agentrollouts.agentfleet.dev", agent, "-n", NAMESPACE, "-o", "json"]),
  ) as Rollout;

async function deploy(ingestVersion?: string): Promise<void> {
  await applyStackEdit(plane, scratch, `image-${renders++}`, (config) => {
    fastReleases(config);
    for (const agent of agentsOf(config))
      if (agent.id === "ingest" && ingestVersion) agent.version = ingestVersion;
  });
}

beforeAll(async () => {
  const started = Date.now();
  layout = controllerImageLayout(join(scratch, "image"));
  console.log(`controller image layout from the Dockerfile: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  plane = await startControlPlane();
  await installPrerequisites(plane, "dev");
  await deploy();
  await prometheus.listen();
});

afterAll(async () => {
  await controller?.kill("SIGKILL");
  await prometheus.close();
  await plane?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the controller image's file layout", () => {
  it("holds the sources and the runtime packages, and no Pulumi SDK or dev tool", () => {
    expect(readdirSync(layout.workdirOnHost).sort()).toEqual(["node_modules", "package.json", "src"]);
    const manifest = JSON.parse(readFileSync(join(layout.workdirOnHost, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...CONTROLLER_RUNTIME_PACKAGES].sort());
    const installed = readdirSync(join(layout.workdirOnHost, "node_modules")).flatMap((name) =>
      name.startsWith("@")
        ? readdirSync(join(layout.workdirOnHost, "node_modules", name)).map((scoped) => `${name}/${scoped}`)
        : [name],
    );
    expect(installed).toEqual(expect.arrayContaining(CONTROLLER_RUNTIME_PACKAGES));
    for (const absent of ["@pulumi/pulumi", "@pulumi/kubernetes", "tsx", "typescript", "vitest", "esbuild"]) {
      expect(installed).not.toContain(absent);
    }
    expect(layout.env.NODE_ENV).toBe("production");
    expect(layout.user).toBe("1000:1000");
  });

  it("runs from its ENTRYPOINT with NODE_ENV=production: adopts the fleet and releases a canary", async () => {
    const { command, args } = entrypointCommand(layout);
    controller = await startController("controller-image", {
      kubeconfig: controllerKubeconfig(plane),
      prometheusUrl: prometheus.url,
      watchNamespaces: [NAMESPACE],
      env: layout.env,
      // Only node itself on PATH: nothing of the repository's node_modules is reachable.
      launch: { command, args, cwd: layout.workdirOnHost, path: dirname(command) },
    });
    await waitFor("ingest adopted", 120_000, () => healthyAtGeneration(rollout("ingest")));
    const stable = rollout("ingest").status?.activeTrack;
    await deploy("1.5.0");
    await waitFor("ingest 1.5.0 promoted", 180_000, () => {
      const current = rollout("ingest");
      return healthyAtGeneration(current) && current.status?.activeTrack !== stable;
    });
    expect(controller.child.exitCode).toBeNull();
    expect(controller.logs.some((line) => line.msg === "rollout controller running")).toBe(true);
    expect(problems(controller.logs)).toEqual([]);
    expect(controller.rawOutput).toEqual([]);
  });
});
