/**
 * The package as a user gets it: `npm pack` (whose `prepack` builds dist/) into a folder, and that
 * tarball installed into a copy of an `examples/<name>` program, from the registry like any
 * other dependency. Used by the fast tier's package checks and by the cluster tier's example
 * deploy and kubectl-plugin tests.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_DIR } from "./cli.ts";
import { removeOnExit } from "./cluster/reaper.ts";

const run = promisify(execFile);
const BIN_DIR = join(PROJECT_DIR, "node_modules", ".bin");

/** npm run on the project's Node 24 (its `#!/usr/bin/env node` finds node_modules/.bin first). */
export const NPM_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ""}`,
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
};

export interface PackedPackage {
  tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  files: string[];
  /** Bytes of the tarball and of its contents. */
  size: number;
  unpackedSize: number;
  seconds: number;
}

/** Packs the project (building dist/ through `prepack`) into a fresh temporary folder. */
export async function packPackage(): Promise<PackedPackage> {
  const dir = mkdtempSync(join(tmpdir(), "agent-fleet-pack-"));
  removeOnExit(dir);
  const started = Date.now();
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: PROJECT_DIR,
    env: NPM_ENV,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [entry] = JSON.parse(stdout) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    files: Array<{ path: string }>;
  }>;
  if (!entry) throw new Error(`npm pack printed no package:\n${stdout}`);
  return {
    tarball: join(dir, entry.filename),
    files: entry.files.map((file) => file.path),
    size: entry.size,
    unpackedSize: entry.unpackedSize,
    seconds: (Date.now() - started) / 1000,
  };
}

export interface InstalledExample {
  /** The example program's copy, with node_modules holding the packed package. */
  dir: string;
  /** Its node_modules/.bin (the package's `agent-fleet` and `kubectl-agent_fleet`). */
  binDir: string;
  seconds: number;
}

/**
 * Copies `examples/<name>` to a temporary folder and installs its dependencies there, the
 * package from `tarball` (as a user installs a release). `--prefer-offline` reuses npm's cache.
 */
export async function installExample(name: string, tarball: string): Promise<InstalledExample> {
  const dir = join(mkdtempSync(join(tmpdir(), `agent-fleet-example-${name}-`)), name);
  removeOnExit(join(dir, ".."));
  cpSync(join(PROJECT_DIR, "examples", name), dir, {
    recursive: true,
    filter: (source) => !source.includes("node_modules"),
  });
  const started = Date.now();
  await run("npm", ["install", "--prefer-offline", "--no-package-lock", tarball], {
    cwd: dir,
    env: NPM_ENV,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { dir, binDir: join(dir, "node_modules", ".bin"), seconds: (Date.now() - started) / 1000 };
}

/** The installed package's own package.json (to check what the tarball put in node_modules). */
export function installedManifest(example: InstalledExample): { name: string; version: string } {
  return JSON.parse(readFileSync(join(example.dir, "node_modules", "agent-fleet", "package.json"), "utf8"));
}
