/**
 * How config validation and rendering scale with fleet size (10, 100, 1000 agents).
 *
 *   npx tsx bench/config.bench.ts
 *
 * Each size runs in a fresh child process: the kernel's peak-RSS counter (maxRSS) only ever grows,
 * so sharing one process would charge the 1000-agent peak to whichever size ran first. Timings are
 * medians of several warm runs; memory is measured on the first (cold) run, which holds the peak.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getHeapStatistics } from "node:v8";
import { parseFleetConfig } from "../src/config/index.ts";
import { renderFleet } from "../src/manifests/fleet.ts";
import { renderFiles } from "../src/render/layout.ts";
import { generateFleetConfig } from "./fleetGenerator.ts";
import { median } from "./stats.ts";

const SIZES = [10, 100, 1000];
const MEASURED_RUNS = 7;
const MIB = 2 ** 20;

interface SizeResult {
  agents: number;
  objects: number;
  validateMs: number;
  renderMs: number;
  /** Growth of V8's committed heap during one validate+render: the heap that run needed at its peak. */
  heapDeltaMiB: number;
  /** Growth of the process's peak resident set during one validate+render. */
  peakRssDeltaMiB: number;
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
}

function validate(raw: ReturnType<typeof generateFleetConfig>) {
  return parseFleetConfig(raw, { source: `bench (${raw.agents.length} agents)` });
}

function render(fleet: ReturnType<typeof validate>) {
  const rendered = renderFleet(fleet);
  return { objects: rendered.objects.length, files: renderFiles(rendered) };
}

/** Child side: measures one fleet size and prints the result as JSON on stdout. */
function measureSize(agents: number): SizeResult {
  const raw = generateFleetConfig(agents);
  const collectGarbage = (globalThis as { gc?: () => void }).gc;
  collectGarbage?.();
  const heapBefore = getHeapStatistics().total_heap_size;
  const rssBefore = process.resourceUsage().maxRSS;
  const cold = render(validate(raw));
  const heapDeltaMiB = (getHeapStatistics().total_heap_size - heapBefore) / MIB;
  const peakRssDeltaMiB = ((process.resourceUsage().maxRSS - rssBefore) * 1024) / MIB; // maxRSS is in KiB

  const validateTimes: number[] = [];
  const renderTimes: number[] = [];
  for (let run = 0; run < MEASURED_RUNS; run++) {
    const validation = timed(() => validate(raw));
    validateTimes.push(validation.ms);
    renderTimes.push(timed(() => render(validation.value)).ms);
  }
  return {
    agents,
    objects: cold.objects,
    validateMs: median(validateTimes),
    renderMs: median(renderTimes),
    heapDeltaMiB,
    peakRssDeltaMiB,
  };
}

/** Parent side: one child per size, so each size's memory numbers are its own. */
function runSizeInChild(agents: number): SizeResult {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--agents", String(agents)],
    { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  if (child.status !== 0) {
    throw new Error(`bench for ${agents} agents failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(child.stdout) as SizeResult;
}

function formatTable(results: SizeResult[]): string {
  const base = results[0];
  if (!base) return "(no results)";
  const rows = results.map((result) => [
    String(result.agents),
    String(result.objects),
    result.validateMs.toFixed(2),
    (result.validateMs / result.agents).toFixed(3),
    `${(result.validateMs / base.validateMs).toFixed(1)}×`,
    result.renderMs.toFixed(2),
    (result.renderMs / result.agents).toFixed(3),
    `${(result.renderMs / base.renderMs).toFixed(1)}×`,
    result.heapDeltaMiB.toFixed(1),
    result.peakRssDeltaMiB.toFixed(1),
  ]);
  const headers = [
    "agents",
    "objects",
    "validate ms",
    "ms/agent",
    "vs 10",
    "render ms",
    "ms/agent",
    "vs 10",
    "heap Δ MiB",
    "peak RSS Δ MiB",
  ];
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join("  ");
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

function main(): void {
  const agentsFlag = process.argv.indexOf("--agents");
  if (agentsFlag !== -1) {
    process.stdout.write(JSON.stringify(measureSize(Number(process.argv[agentsFlag + 1]))));
    return;
  }
  const started = performance.now();
  const results = SIZES.map(runSizeInChild);
  console.log(
    `config validation (parseFleetConfig) and render (renderFleet + renderFiles), median of ${MEASURED_RUNS} warm runs`,
  );
  console.log(formatTable(results));
  console.log(
    "vs 10 = time relative to the 10-agent fleet (linear scaling: 10× and 100×); memory from one cold run per size.",
  );
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
