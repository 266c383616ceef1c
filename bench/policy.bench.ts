/**
 * How long the offline policy run takes (`npm run bench:policy`), against a 2 s budget for prod.
 *
 *   - CLI: the whole `npm run policy -- --stack prod` process (tsx start-up, stack file, render,
 *     every policy, table), median of several runs; npm's own start-up is not included.
 *   - in-process: load + render + evaluate, and evaluation alone, median of warm runs.
 *   - scaling: evaluation alone on generated fleets of 100 and 1000 agents.
 * Exits 1 when the prod CLI run exceeds the budget.
 */
import { spawnSync } from "node:child_process";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseFleetConfig } from "../src/config/index.ts";
import { renderFleet } from "../src/manifests/fleet.ts";
import { policyContextFromFleet } from "../src/policy/context.ts";
import { evaluatePolicies } from "../src/policy/evaluate.ts";
import { POLICIES } from "../src/policy/registry.ts";
import { renderStack } from "../src/render/renderStack.ts";
import { generateFleetConfig } from "./fleetGenerator.ts";
import { median } from "./stats.ts";

const BUDGET_MS = 2000;
const CLI_RUNS = 5;
const WARM_RUNS = 20;
const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(PROJECT_DIR, "node_modules", ".bin");

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function cliRunMs(stack: string): number {
  const start = performance.now();
  const run = spawnSync(join(BIN, "tsx"), ["src/cli/policy.ts", "--stack", stack], {
    cwd: PROJECT_DIR,
    env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` },
    encoding: "utf8",
  });
  const elapsed = performance.now() - start;
  if (run.status !== 0)
    throw new Error(`npm run policy -- --stack ${stack} failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return elapsed;
}

function inProcess(stack: string) {
  const loadRenderEvaluate = () => {
    const { loaded, rendered } = renderStack(stack, PROJECT_DIR);
    return evaluatePolicies(rendered.objects, policyContextFromFleet(loaded.fleet, loaded.stack));
  };
  const { loaded, rendered } = renderStack(stack, PROJECT_DIR);
  const context = policyContextFromFleet(loaded.fleet, loaded.stack);
  loadRenderEvaluate(); // warm-up
  const total = Array.from({ length: WARM_RUNS }, () => timed(loadRenderEvaluate));
  const evaluation = Array.from({ length: WARM_RUNS }, () =>
    timed(() => evaluatePolicies(rendered.objects, context)),
  );
  return { objects: rendered.objects.length, totalMs: median(total), evaluateMs: median(evaluation) };
}

function scaling(agents: number) {
  const fleet = parseFleetConfig(generateFleetConfig(agents), { source: `bench (${agents} agents)` });
  const { objects } = renderFleet(fleet);
  const context = policyContextFromFleet(fleet, `generated-${agents}`);
  evaluatePolicies(objects, context);
  const ms = median(Array.from({ length: 5 }, () => timed(() => evaluatePolicies(objects, context))));
  return { agents, objects: objects.length, ms };
}

const cli = median(Array.from({ length: CLI_RUNS }, () => cliRunMs("prod")));
const warm = inProcess("prod");
const sizes = [100, 1000].map(scaling);

console.log(`offline policy run · stack prod · ${warm.objects} objects · ${POLICIES.length} policies`);
console.log(
  `  npm run policy -- --stack prod (whole CLI process, median of ${CLI_RUNS}): ${(cli / 1000).toFixed(2)} s  (budget ${BUDGET_MS / 1000} s: ${cli <= BUDGET_MS ? "within" : "OVER"})`,
);
console.log(`  in-process load + render + evaluate (median of ${WARM_RUNS}): ${warm.totalMs.toFixed(1)} ms`);
console.log(`  evaluation alone (median of ${WARM_RUNS}): ${warm.evaluateMs.toFixed(2)} ms`);
for (const size of sizes) {
  console.log(
    `  evaluation, generated fleet of ${size.agents} agents (${size.objects} objects): ${size.ms.toFixed(1)} ms (${((size.ms / size.objects) * 1000).toFixed(1)} µs/object)`,
  );
}
process.exitCode = cli <= BUDGET_MS ? 0 : 1;
