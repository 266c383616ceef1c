/**
 * Runs the real render CLI (`src/cli/render.ts`) in a child process, the way CI and users run it,
 * and lists what it wrote. Shared by the render tests and the bad-config corpus test.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type CliRun, PROJECT_DIR, runProjectCli } from "./cli.ts";

export { type CliRun, PROJECT_DIR };

/** `stack` is a stack name (`dev`) or a stack file path. */
export function runRenderCli(
  stack: string,
  outDir: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return runProjectCli("src/cli/render.ts", ["--stack", stack, "--out", outDir], extraEnv);
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
