/**
 * Runs one of the project's CLIs (`src/cli/*.ts`) in a child process, the way CI and users run it.
 * `node_modules/.bin` goes first on PATH: tsx's `#!/usr/bin/env node` must find the project's
 * Node 24, not the machine's older system Node.
 */
import { spawn } from "node:child_process";
import { delimiter, join, resolve } from "node:path";

export const PROJECT_DIR = resolve(import.meta.dirname, "..");
const BIN_DIR = join(PROJECT_DIR, "node_modules", ".bin");

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Async so several CLI runs can proceed at once. */
export function runProjectCli(
  script: string,
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(join(BIN_DIR, "tsx"), [script, ...args], {
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
