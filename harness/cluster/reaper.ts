/**
 * Nothing a cluster-tier run starts outlives it. Every long-running child is spawned in its own
 * process group and registered here; a watchdog bash (one per test process) kills those groups
 * and removes registered folders when the test process ends in any way: normally, on Ctrl-C, or
 * killed outright, when no exit handler of ours can run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let registry: string | undefined;

function registryFile(): string {
  if (registry) return registry;
  const dir = mkdtempSync(join(tmpdir(), "agent-fleet-reaper-"));
  const file = join(dir, "registry");
  writeFileSync(file, "");
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `while read -r kind value; do`,
    `  case "$kind" in pgid) kill -KILL -- "-$value" 2>/dev/null ;; dir) rm -rf "$value" ;; esac`,
    `done < "${file}"`,
    `rm -rf "${dir}"`,
  ].join("\n");
  spawn("bash", ["-c", script], { detached: true, stdio: "ignore" }).unref();
  registry = file;
  return file;
}

/** Registers a child spawned with `detached: true` (its pid is its process group). */
export function reapOnExit(child: ChildProcess): void {
  if (child.pid !== undefined) appendFileSync(registryFile(), `pgid ${child.pid}\n`);
}

export function removeOnExit(dir: string): void {
  appendFileSync(registryFile(), `dir ${dir}\n`);
}
