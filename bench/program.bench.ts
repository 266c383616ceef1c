/**
 * Render and mocked Pulumi program evaluation for generated fleets of 10, 100 and 1000 agents:
 * wall time, registered resources and peak memory, each size in its own process. Cost should
 * grow linearly: the "per agent" columns stay flat.
 *   npx tsx bench/program.bench.ts
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runProgramUnderMocks } from "../harness/pulumiStack.ts";
import { parseFleetConfig } from "../src/config/index.ts";
import { renderFleet } from "../src/manifests/fleet.ts";
import { renderFiles } from "../src/render/layout.ts";
import { generateFleetConfig } from "./fleetGenerator.ts";

const SIZES = [10, 100, 1000];
const MIB = 2 ** 20;

interface Result {
  agents: number;
  objects: number;
  resources: number;
  renderMs: number;
  programMs: number;
  peakRssMiB: number;
}

async function measure(agents: number): Promise<Result> {
  const fleet = parseFleetConfig(generateFleetConfig(agents), { source: "bench" });
  let start = performance.now();
  const rendered = renderFleet(fleet);
  renderFiles(rendered);
  const renderMs = performance.now() - start;
  start = performance.now();
  const run = await runProgramUnderMocks({ stack: "bench", config: {}, secretKeys: [], fleet });
  const programMs = performance.now() - start;
  return {
    agents,
    objects: rendered.objects.length,
    resources: run.resources.length,
    renderMs,
    programMs,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MIB,
  };
}

function inChild(agents: number): Result {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--agents", String(agents)],
    {
      encoding: "utf8",
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    },
  );
  if (child.status !== 0) throw new Error(`bench for ${agents} agents failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as Result;
}

function table(results: Result[]): string {
  const base = results[0] as Result;
  const rows = results.map((r) => [
    r.agents,
    r.objects,
    r.resources,
    r.renderMs.toFixed(0),
    (r.renderMs / r.agents).toFixed(2),
    r.programMs.toFixed(0),
    (r.programMs / r.agents).toFixed(2),
    `${(r.programMs / base.programMs).toFixed(1)}×`,
    r.peakRssMiB.toFixed(0),
  ]);
  const headers = [
    "agents",
    "objects",
    "resources",
    "render ms",
    "ms/agent",
    "program ms",
    "ms/agent",
    "vs 10",
    "peak RSS MiB",
  ];
  const all = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  return all
    .map((row) => row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join("  "))
    .join("\n");
}

const flag = process.argv.indexOf("--agents");
if (flag !== -1) {
  process.stdout.write(`${JSON.stringify(await measure(Number(process.argv[flag + 1])))}\n`);
  process.exit(0);
}
console.log("render (renderFleet + files) and Pulumi program evaluation under mocks, one process per size");
console.log(table(SIZES.map(inChild)));
