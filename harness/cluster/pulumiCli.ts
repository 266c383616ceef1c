/**
 * The real Pulumi engine (CLI, Node.js language host, kubernetes provider from the cached
 * toolchain) on a copy of the project: a local file backend, a passphrase secrets provider, no
 * network. The copy matters: `pulumi stack init` writes an encryptionsalt into the stack file.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { PROJECT_DIR } from "../cli.ts";
import { reapOnExit, removeOnExit } from "./reaper.ts";
import { toolchainPaths } from "./toolchain.ts";

export interface PulumiRun {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface PulumiProject {
  dir: string;
  stackFile: string;
  run(args: readonly string[], options?: { allowFailure?: boolean; timeoutMs?: number }): Promise<PulumiRun>;
  remove(): void;
}

/** A project copy for `stack` with its own backend; `kubeconfig` is the cluster Pulumi deploys to. */
export function pulumiProject(stack: string, kubeconfig: string): PulumiProject {
  const dir = mkdtempSync(join(tmpdir(), `pulumi-${stack}-`));
  removeOnExit(dir);
  const project = join(dir, "project");
  mkdirSync(project);
  for (const entry of ["src", "node_modules", "package.json", "tsconfig.json"]) {
    symlinkSync(join(PROJECT_DIR, entry), join(project, entry));
  }
  copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  const stackFile = join(project, `Pulumi.${stack}.yaml`);
  copyFileSync(join(PROJECT_DIR, `Pulumi.${stack}.yaml`), stackFile);
  const env = engineEnv(dir, kubeconfig);
  return {
    dir: project,
    stackFile,
    run: (args, options = {}) => runPulumi(project, env, args, options),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A Pulumi program of its own in `projectDir` (e.g. an installed copy of `examples/<name>`), run
 * the same way with a backend of its own; `stack` names its stack file.
 */
export function pulumiProgram(projectDir: string, stack: string, kubeconfig: string): PulumiProject {
  const dir = mkdtempSync(join(tmpdir(), `pulumi-program-${stack}-`));
  removeOnExit(dir);
  const env = engineEnv(dir, kubeconfig);
  return {
    dir: projectDir,
    stackFile: join(projectDir, `Pulumi.${stack}.yaml`),
    run: (args, options = {}) => runPulumi(projectDir, env, args, options),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The engine's environment: a file backend, home and TMPDIR inside `dir`, no network, no prompts. */
function engineEnv(dir: string, kubeconfig: string): NodeJS.ProcessEnv {
  mkdirSync(join(dir, "state"));
  // The language host leaves pipe folders in TMPDIR: keep them inside the copy, removed with it.
  mkdirSync(join(dir, "tmp"));
  // The project's node_modules/.bin gives the language host its Node 24.
  const paths = [
    ...toolchainPaths().pulumiBinDirs,
    join(PROJECT_DIR, "node_modules", ".bin"),
    process.env.PATH ?? "",
  ];
  return {
    PATH: paths.join(delimiter),
    HOME: dir,
    PULUMI_HOME: join(dir, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "cluster-tier-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "1",
    KUBECONFIG: kubeconfig,
    TMPDIR: join(dir, "tmp"),
    NO_COLOR: "1",
  };
}

function runPulumi(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  options: { allowFailure?: boolean; timeoutMs?: number },
): Promise<PulumiRun> {
  const started = Date.now();
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--color=never"], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    reapOnExit(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(
      () => child.pid !== undefined && process.kill(-child.pid, "SIGINT"),
      options.timeoutMs ?? 900_000,
    );
    child.on("error", rejectRun);
    child.on("close", (status) => {
      clearTimeout(timer);
      const run = { status, stdout, stderr, seconds: (Date.now() - started) / 1000 };
      if (status !== 0 && !options.allowFailure) {
        rejectRun(new Error(`pulumi ${args.join(" ")} exited ${status}:\n${stdout}\n${stderr}`));
      } else resolveRun(run);
    });
  });
}
