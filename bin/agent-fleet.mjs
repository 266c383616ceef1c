#!/usr/bin/env node
// `agent-fleet rollout <status|watch|promote|abort|pause|resume> <agent> [-n ns]` (kubectl-plugin style).
// Plain JavaScript that any Node runs: it checks the version before loading anything that needs 22+.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeTooOld } from "./node-version.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [command, ...rest] = process.argv.slice(2);
const usage = `Usage:
  agent-fleet rollout <command> <agent> [flags]

Commands: status, watch, promote, abort, pause, resume ("agent-fleet rollout --help" for more)
Flags: -h, --help; --version

Shell completion: agent-fleet completion <bash|zsh|fish>`;

if (command === "--version") {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  console.log(`agent-fleet ${version}`);
  process.exit(0);
}
if (command === "--help" || command === "-h" || command === undefined) {
  console.log(usage);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== "rollout" && command !== "completion") {
  console.error(`unknown command ${JSON.stringify(command)}\n${usage}`);
  process.exit(2);
}
const tooOld = nodeTooOld(process.versions.node, process.execPath);
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}
// A checkout runs the TypeScript sources through tsx; the installed package ships no sources, only
// the compiled dist/ (Node strips no types under node_modules). The same Node runs the command
// either way (tsx's own launcher would take whichever node is first on PATH).
const source = join(root, "src/controller/cli/main.ts");
const entry = existsSync(source)
  ? [join(root, "node_modules/tsx/dist/cli.mjs"), source]
  : [join(root, "dist/controller/cli/main.js")];
const args = command === "completion" ? [command, ...rest] : rest;
const result = spawnSync(process.execPath, [...entry, ...args], { stdio: "inherit" });
process.exit(result.status ?? 1);
