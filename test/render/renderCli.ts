/**
 * Runs the real render CLI (`src/cli/render.ts`) in a child process, the way CI and users run it,
 * and lists what it wrote. Shared by the render tests and the bad-config corpus test.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, join, relative, resolve } from "node:path";

export const PROJECT_DIR = resolve(import.meta.dirname, "../..");
const BIN_DIR = join(PROJECT_DIR, "node_modules", ".bin");
const TSX = join(BIN_DIR, "tsx");
const RENDER_CLI = "src/cli/render.ts";

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `stack` is a stack name (`dev`) or a stack file path. Async so several renders can run at once.
 * `node_modules/.bin` goes first on PATH: tsx's `#!/usr/bin/env node` must find the project's
 * Node 24, not the machine's older system Node.
 */
export function runRenderCli(
  stack: string,
  outDir: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(TSX, [RENDER_CLI, "--stack", stack, "--out", outDir], {
      cwd: PROJECT_DIR,
      env: { ...process.env, ...extraEnv, PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ""}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", rejectRun);
    child.on("close", (status) => resolveRun({ status, stdout, stderr }));
  });
}

/** Every file under `dir` as a sorted list of `/`-separated relative paths ([] when `dir` is absent). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path).split("\\").join("/"));
    }
  };
  walk(dir);
  return files.sort();
}

/** Relative path → content for everything under `dir`: what a render produced, for byte comparison. */
export function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((file) => [file, readFileSync(join(dir, file), "utf8")]));
}
