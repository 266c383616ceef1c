/**
 * The package as a platform team uses it, on the real apiserver with the real Pulumi engine: the
 * tarball `npm pack` makes, installed from it into a copy of `examples/fleet` (a Pulumi program
 * of its own that imports "agent-fleet" by name), type-checked as a consumer, deployed with
 * `pulumi up`, then destroyed. With the fleet up and the rollout controller running, the
 * installed `kubectl-agent_fleet` runs as a plugin of the real kubectl: `kubectl plugin list`
 * finds it, and `kubectl agent-fleet rollout status` reads the kubeconfig's current context and
 * namespace. The time of each step is printed.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { PROJECT_DIR } from "../../harness/cli.ts";
import { type ControlPlane, startControlPlane, waitFor } from "../../harness/cluster/controlPlane.ts";
import { installPrerequisites } from "../../harness/cluster/fleet.ts";
import { type PulumiProject, pulumiProgram } from "../../harness/cluster/pulumiCli.ts";
import { toolchainPaths } from "../../harness/cluster/toolchain.ts";
import {
  type InstalledExample,
  installExample,
  installedManifest,
  packPackage,
} from "../../harness/package.ts";
import { FakePrometheus, GOOD_TRAFFIC } from "../controller/support/fakePrometheus.ts";
import {
  type ControllerProcess,
  controllerKubeconfig,
  startController,
} from "./support/controllerProcess.ts";

const run = promisify(execFile);
/** The example's own config key (`agent-fleet-example:namespace`), set as a user would. */
const NAMESPACE = "library-agents";

const timings: string[] = [];
function timed(what: string, seconds: number): void {
  timings.push(`${what.padEnd(40)} ${seconds.toFixed(1).padStart(6)} s`);
}
async function timing<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  timed(what, (Date.now() - started) / 1000);
  return result;
}

let plane: ControlPlane;
let example: InstalledExample;
let project: PulumiProject;
let controller: ControllerProcess | undefined;
const prometheus = new FakePrometheus({ traffic: GOOD_TRAFFIC });

beforeAll(async () => {
  const packing = (async () => {
    const packed = await packPackage();
    timed(`npm pack (with the build, ${(packed.size / 1024).toFixed(0)} kB)`, packed.seconds);
    example = await installExample("fleet", packed.tarball);
    timed("npm install of the tarball into the example", example.seconds);
  })();
  const [started] = await Promise.all([
    timing("control plane start", () => startControlPlane()),
    packing,
    prometheus.listen(),
  ]);
  plane = started;
  project = pulumiProgram(example.dir, "dev", plane.adminKubeconfig);
  await installPrerequisites(plane, "dev");
  await project.run(["stack", "init", "dev"]);
  await project.run(["config", "set", "namespace", NAMESPACE]);
});

afterAll(async () => {
  await controller?.kill("SIGKILL");
  await prometheus.close();
  await plane?.stop();
  project?.remove();
  console.log(`the package, installed and deployed:\n${timings.join("\n")}`);
});

function exists(kind: string, name: string, namespace?: string): boolean {
  const args = [
    "get",
    kind,
    name,
    "--ignore-not-found",
    "-o",
    "name",
    ...(namespace ? ["-n", namespace] : []),
  ];
  return plane.kubectl(args).trim() !== "";
}

describe("the installed package in a Pulumi program of its own", () => {
  it("is the packed package, imported by name through its exports map, and type-checks as a consumer", async () => {
    expect(installedManifest(example).name).toBe("agent-fleet");
    const tsc = join(example.dir, "node_modules/typescript/bin/tsc");
    const check = await timing("tsc --noEmit in the example", () =>
      run(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json"], { cwd: example.dir }).catch(
        (error: { stdout: string; code: number }) => error,
      ),
    );
    expect(check).not.toHaveProperty("code");
  });

  it("pulumi up creates the fleet in the namespace the program's own config names", async () => {
    const up = await project.run(["up", "--yes", "--skip-preview"]);
    timed("pulumi up (example)", up.seconds);
    expect(up.stdout).toMatch(/Resources:[\s\S]*created/);
    expect(exists("namespace", NAMESPACE)).toBe(true);
    expect(exists("agentrollouts.agentfleet.dev", "ingest", NAMESPACE)).toBe(true);
    expect(exists("deployment", "export", NAMESPACE)).toBe(true);
    expect(exists("horizontalpodautoscalers.autoscaling", "ingest", NAMESPACE)).toBe(true);
    expect(exists("deployment", "agent-fleet-controller", "agent-fleet-system")).toBe(true);
    expect(exists("prometheusrules.monitoring.coreos.com", "agent-fleet-agents", "monitoring")).toBe(true);
    expect(exists("secret", "alertmanager-agent-fleet", "monitoring")).toBe(true);
    const outputs = await project.run(["stack", "output", "agents", "--json"]);
    const agents = JSON.parse(outputs.stdout) as Array<{ id: string; cluster: string; strategy: string }>;
    expect(agents.map(({ id, cluster, strategy }) => `${id}/${cluster}/${strategy}`)).toEqual([
      `ingest/${NAMESPACE}/canary`,
      `export/${NAMESPACE}/rolling`,
    ]);
  });

  it("previews no changes right after up", async () => {
    const preview = await project.run(["preview", "--expect-no-changes"]);
    timed("pulumi preview --expect-no-changes", preview.seconds);
    expect(preview.status).toBe(0);
  });
});

/** A kubeconfig whose current context points at the example's namespace, beside the admin's own. */
function pluginKubeconfig(): string {
  const config = parse(readFileSync(plane.adminKubeconfig, "utf8")) as {
    contexts: Array<{ name: string; context: Record<string, string> }>;
    "current-context": string;
  };
  const [admin] = config.contexts;
  if (!admin) throw new Error("admin kubeconfig has no context");
  config.contexts.push({ name: "fleet-team", context: { ...admin.context, namespace: NAMESPACE } });
  config["current-context"] = "fleet-team";
  const path = join(dirname(plane.adminKubeconfig), "plugin.kubeconfig");
  writeFileSync(path, stringify(config));
  return path;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe("kubectl agent-fleet, the installed plugin, through the real kubectl", () => {
  let kubeconfig: string;
  const kubectl = async (args: string[]): Promise<Ran> => {
    const env = {
      // The package's bins first, then kubectl's folder and the project's Node 24 (the
      // launcher's `#!/usr/bin/env node`); nothing else of the project.
      PATH: [
        example.binDir,
        dirname(toolchainPaths().kubectl),
        join(PROJECT_DIR, "node_modules", ".bin"),
        "/usr/bin",
        "/bin",
      ].join(delimiter),
      HOME: dirname(kubeconfig),
      KUBECONFIG: kubeconfig,
    };
    return run(toolchainPaths().kubectl, args, { env, cwd: dirname(kubeconfig) }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: Ran) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  };

  beforeAll(async () => {
    kubeconfig = pluginKubeconfig();
    controller = await startController("library-controller", {
      kubeconfig: controllerKubeconfig(plane),
      prometheusUrl: prometheus.url,
      watchNamespaces: [NAMESPACE],
    });
    const phase = () =>
      plane
        .kubectl([
          "get",
          "agentrollouts.agentfleet.dev",
          "ingest",
          "-n",
          NAMESPACE,
          "-o",
          "jsonpath={.status.phase}",
        ])
        .trim();
    await timing("controller adopts ingest", () =>
      waitFor("ingest Healthy", 120_000, () => phase() === "Healthy"),
    );
  });

  it("is listed by kubectl plugin list, from the package's node_modules/.bin", async () => {
    const list = await kubectl(["plugin", "list"]);
    expect(list.stdout).toContain(join(example.binDir, "kubectl-agent_fleet"));
  });

  it("kubectl agent-fleet rollout status shows the release in the current context's namespace", async () => {
    const status = await timing("kubectl agent-fleet rollout status", () =>
      kubectl(["agent-fleet", "rollout", "status", "ingest"]),
    );
    expect(status.stderr).toBe("");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("ingest");
    expect(status.stdout).toContain(NAMESPACE);
    expect(status.stdout).toMatch(/Healthy/);
  });

  it("follows --context and -n as kubectl does, and says which namespace lacks the agent", async () => {
    const other = await kubectl(["agent-fleet", "rollout", "status", "ingest", "--context", "cluster-tier"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('no AgentRollout for agent "ingest" in namespace default');
    const explicit = await kubectl([
      "agent-fleet",
      "rollout",
      "status",
      "ingest",
      "--context",
      "cluster-tier",
      "-n",
      NAMESPACE,
    ]);
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toMatch(/Healthy/);
    const unknown = await kubectl(["agent-fleet", "rollout", "status", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no AgentRollout for agent "nope" in namespace ${NAMESPACE}`);
  });

  it("completes through kubectl's plugin completion: commands, flags, and the cluster's AgentRollouts", async () => {
    // `kubectl __complete` is what kubectl's shell scripts run on <TAB>.
    const commands = await kubectl(["__complete", "agent-fleet", "rollout", "st"]);
    expect(commands.code).toBe(0);
    expect(commands.stdout.split("\n")).toEqual(expect.arrayContaining(["status", ":4"]));
    const flags = await kubectl(["__complete", "agent-fleet", "rollout", "promote", "ingest", "--st"]);
    expect(flags.stdout.split("\n")).toContain("--step");
    const agents = await kubectl(["__complete", "agent-fleet", "rollout", "status", ""]);
    expect(agents.stdout.split("\n")).toContain("ingest");
  });
});

describe("destroy", () => {
  it("removes everything the example created", async () => {
    await controller?.kill();
    controller = undefined;
    const destroy = await project.run(["destroy", "--yes", "--skip-preview"]);
    timed("pulumi destroy (example)", destroy.seconds);
    await waitFor("the example's namespace gone", 120_000, () => !exists("namespace", NAMESPACE));
    expect(exists("deployment", "agent-fleet-controller", "agent-fleet-system")).toBe(false);
    expect(exists("prometheusrules.monitoring.coreos.com", "agent-fleet-agents", "monitoring")).toBe(false);
    expect(exists("customresourcedefinitions.apiextensions.k8s.io", "agentrollouts.agentfleet.dev")).toBe(
      false,
    );
  });
});
