#!/usr/bin/env node
// `agent-fleet rollout <status|watch|promote|abort|pause|resume> <agent> [-n ns]` (kubectl-plugin style).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [command, ...rest] = process.argv.slice(2);
const entry = command === "rollout" ? "src/controller/cli/main.ts" : undefined;
if (!entry) {
  console.error(
    "usage: agent-fleet rollout <status|watch|promote|abort|pause|resume> <agent> [-n namespace]",
  );
  process.exit(2);
}
const result = spawnSync(join(root, "node_modules/.bin/tsx"), [join(root, entry), ...rest], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
