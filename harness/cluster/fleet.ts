/**
 * The fleet on the real cluster: what a user installs before the program (the prerequisites), the
 * project's stacks with release timings shortened for tests, and the offline render applied the
 * documented way (`kubectl apply --server-side`: crds/ first, then manifests/ in one pass).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, stringify } from "yaml";
import { PROJECT_DIR } from "../cli.ts";
import { runRenderCli } from "../renderCli.ts";
import type { ControlPlane } from "./controlPlane.ts";
import { toolchainPaths } from "./toolchain.ts";

/** Gateway API and prometheus-operator CRDs, from the Go module zips the toolchain caches. */
export function installPrerequisiteCrds(plane: ControlPlane): void {
  const { crds } = toolchainPaths();
  for (const dir of [crds.gatewayApi, crds.prometheusOperator]) {
    plane.kubectl(["apply", "--server-side", "-f", dir]);
  }
  plane.kubectl(["wait", "--for=condition=established", "--timeout=60s", "crd", "--all"]);
}

/** StorageClasses the stacks name, served by kwok's volume stages (bound at once). */
export function installStorageClasses(plane: ControlPlane, names: readonly string[]): void {
  const classes = names.map((name) =>
    stringify({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name },
      provisioner: "kwok.x-k8s.io/volume",
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
    }),
  );
  plane.kubectl(["apply", "--server-side", "-f", "-"], { input: classes.join("---\n") });
}

export function installNamespaces(plane: ControlPlane, names: readonly string[]): void {
  const namespaces = names.map((name) =>
    stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }),
  );
  plane.kubectl(["apply", "--server-side", "-f", "-"], { input: namespaces.join("---\n") });
}

/** Everything the README's "Cluster prerequisites" asks of a cluster, for the given stack. */
export async function installPrerequisites(plane: ControlPlane, stack: "dev" | "prod"): Promise<void> {
  installPrerequisiteCrds(plane);
  await plane.installMetricsApi();
  installStorageClasses(
    plane,
    stack === "dev" ? ["standard", "encrypted-standard"] : ["gp3", "gp3-encrypted"],
  );
  installNamespaces(plane, ["monitoring", "gateway-system"]);
}

export type StackEdit = (config: Record<string, unknown>) => void;

/**
 * Writes `Pulumi.<name>.yaml` into `dir`: the project's stack file with `edit` applied to its
 * `config:` map (keys like `agent-fleet:agents`). Returns the file's path.
 */
export function writeStackFile(
  dir: string,
  base: "dev" | "prod",
  name: string,
  edit: StackEdit = () => {},
): string {
  const path = join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(path, editStackText(readFileSync(join(PROJECT_DIR, `Pulumi.${base}.yaml`), "utf8"), edit));
  return path;
}

/** A stack file's text with `edit` applied to its `config:` map; every other key (e.g. encryptionsalt) kept. */
export function editStackText(text: string, edit: StackEdit): string {
  const document = parseDocument(text);
  const stack = document.toJS() as { config: Record<string, unknown> };
  edit(stack.config);
  document.set("config", document.createNode(stack.config));
  return document.toString();
}

interface AgentEntry {
  id: string;
  version: string;
  strategy?: Record<string, unknown>;
  [key: string]: unknown;
}

export function agentsOf(config: Record<string, unknown>): AgentEntry[] {
  return config["agent-fleet:agents"] as AgentEntry[];
}

/** Release timings a test can wait for: 1 s analysis, 2 s pauses, 5 s scale-down delay. */
export const fastReleases: StackEdit = (config) => {
  config["agent-fleet:release"] = {
    ...(config["agent-fleet:release"] as object),
    analysis: { interval: "1s", count: 2 },
    scaleDownDelay: "5s",
    canarySteps: [
      { weight: 5, pause: "2s" },
      { weight: 25, pause: "2s" },
      { weight: 50, pause: "2s" },
      { weight: 100 },
    ],
  };
  for (const agent of agentsOf(config)) {
    const strategy = agent.strategy as
      | { type?: string; steps?: Array<{ weight: number; pause?: string }> }
      | undefined;
    if (strategy?.steps)
      strategy.steps = strategy.steps.map((step) => (step.pause ? { ...step, pause: "2s" } : step));
    if (strategy?.type === "blueGreen") (strategy as Record<string, unknown>).scaleDownDelay = "5s";
  }
};

/** Renders a stack file with the real render CLI into `outDir`. */
export async function render(stackFile: string, outDir: string): Promise<void> {
  const run = await runRenderCli(stackFile, outDir);
  if (run.status !== 0) throw new Error(`render ${stackFile} failed (${run.status}):\n${run.stderr}`);
}

/**
 * What `pulumi up` does for a stack edit, done with the render: the dev stack file with `edit`
 * applied, written as `Pulumi.<name>.yaml` in `dir`, rendered by the render CLI and applied.
 */
export async function applyStackEdit(
  plane: ControlPlane,
  dir: string,
  name: string,
  edit: StackEdit,
): Promise<void> {
  const stackFile = writeStackFile(dir, "dev", name, edit);
  const out = join(dir, `render-${name}`);
  await render(stackFile, out);
  applyRender(plane, out);
}

/** The AgentRollout fields that say whether the controller is done with its latest spec. */
export interface RolloutProgress {
  metadata: { generation: number };
  status?: { phase?: string; observedGeneration?: number };
}

/** Healthy at its latest generation: the controller has seen the last spec change and settled it. */
export function healthyAtGeneration(rollout: RolloutProgress): boolean {
  return (
    rollout.status?.phase === "Healthy" && rollout.status.observedGeneration === rollout.metadata.generation
  );
}

/** The documented apply: crds/ and wait until established, then manifests/ in one pass. */
export function applyRender(plane: ControlPlane, outDir: string): string {
  plane.kubectl(["apply", "--server-side", "-f", join(outDir, "crds")]);
  plane.kubectl(["wait", "--for=condition=established", "--timeout=60s", "-f", join(outDir, "crds")]);
  return plane.kubectl(["apply", "--server-side", "-f", join(outDir, "manifests")]);
}

export function renderedFiles(outDir: string, sub: "crds" | "manifests"): string[] {
  return readdirSync(join(outDir, sub)).sort();
}
