/**
 * The two sides of a diff. The head is the working tree, rendered in-process. The base is another
 * revision rendered with its own code and stack file: `git archive <ref>` into a temporary
 * directory (read-only for the repository), the working tree's node_modules linked in, and the
 * render run in a child process.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { KubeObject } from "../manifests/types.ts";
import { renderStack } from "../render/renderStack.ts";

export interface RenderedSide {
  objects: KubeObject[];
  files: Map<string, string>;
}

export const EMPTY_SIDE: RenderedSide = { objects: [], files: new Map() };

const WORKER = resolve(import.meta.dirname, "renderWorker.ts");

export function renderHead(stack: string, projectDir = process.cwd()): RenderedSide {
  const { rendered, files } = renderStack(stack, projectDir);
  return { objects: rendered.objects, files };
}

/** Renders `stack` with the code and stack file of `checkout` (a project directory). */
export function renderCheckout(checkout: string, stack: string, projectDir = process.cwd()): RenderedSide {
  const result = spawnSync(process.execPath, ["--import", "tsx", WORKER, resolve(checkout), stack], {
    cwd: projectDir,
    encoding: "utf8",
    maxBuffer: 256 * 2 ** 20,
  });
  if (result.status !== 0) {
    throw new Error(
      `could not render stack ${stack} at the base (${checkout}): ${result.stderr.trim() || result.error}`,
    );
  }
  const parsed = JSON.parse(result.stdout) as { objects: KubeObject[]; files: Array<[string, string]> };
  return { objects: parsed.objects, files: new Map(parsed.files) };
}

function git(projectDir: string, args: string[]): Buffer {
  return execFileSync("git", args, {
    cwd: projectDir,
    maxBuffer: 512 * 2 ** 20,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function existsAt(projectDir: string, ref: string, path: string): boolean {
  return spawnSync("git", ["cat-file", "-e", `${ref}:${path}`], { cwd: projectDir }).status === 0;
}

/**
 * Renders `stack` as of git revision `ref`. A stack that did not exist at `ref` renders as empty
 * (everything is added).
 */
export function renderRevision(ref: string, stack: string, projectDir = process.cwd()): RenderedSide {
  const commit = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: projectDir,
    encoding: "utf8",
  });
  if (commit.status !== 0) {
    throw new Error(
      `--base ${ref} is not a commit in ${projectDir} (in CI, fetch it: actions/checkout fetch-depth: 0)`,
    );
  }
  const stackFile = `Pulumi.${stack}.yaml`;
  if (!existsAt(projectDir, ref, stackFile)) return EMPTY_SIDE;
  const checkout = mkdtempSync(join(tmpdir(), "agent-fleet-base-"));
  try {
    // The whole tree: the base's code may read any file it tracks, and the repository is small.
    const archive = git(projectDir, ["archive", "--format=tar", commit.stdout.trim()]);
    execFileSync("tar", ["-x", "-C", checkout], { input: archive });
    const modules = join(resolve(projectDir), "node_modules");
    if (existsSync(modules)) symlinkSync(modules, join(checkout, "node_modules"), "dir");
    return renderCheckout(checkout, stack, projectDir);
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
}
