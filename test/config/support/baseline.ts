/**
 * The dev baseline of the bad-config corpus as raw config values, for tests that change one value
 * and read the problems the loader reports (no stack file, no locations).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { FleetConfigError, formatPath, parseFleetConfig } from "../../../src/config/index.ts";
import type { ConfigProblem } from "../../../src/config/problems.ts";

const BASELINE_FILE = join(
  import.meta.dirname,
  "..",
  "..",
  "fixtures",
  "bad-config",
  "valid",
  "Pulumi.dev-baseline.yaml",
);

/** Shapes tests edit; everything else is left as `unknown`. */
export interface RawAgent extends Record<string, unknown> {
  id: string;
}
export interface RawFleet extends Record<string, unknown> {
  agents: RawAgent[];
  clusters: Array<Record<string, unknown>>;
}

/** A fresh copy of the dev baseline's `agent-fleet:*` values each call. */
export function baselineRaw(): RawFleet {
  const config = (parse(readFileSync(BASELINE_FILE, "utf8")) as { config: Record<string, unknown> }).config;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key.replace(/^agent-fleet:/, ""), value]),
  ) as RawFleet;
}

/** The baseline after `edit`, parsed: the problems reported, or [] when it loads. */
export function problemsAfter(edit: (raw: RawFleet) => void): ConfigProblem[] {
  const raw = baselineRaw();
  edit(raw);
  try {
    parseFleetConfig(raw, { source: "Pulumi.test.yaml" });
    return [];
  } catch (error) {
    if (error instanceof FleetConfigError) return [...error.problems];
    throw error;
  }
}

/** `path: message` lines, the way the loader prints them. */
export function linesAfter(edit: (raw: RawFleet) => void): string[] {
  return problemsAfter(edit).map((problem) => `${formatPath(problem.path)}: ${problem.message}`);
}

/** The agent at `index` of a baseline, failing loudly when the baseline changed shape. */
export function agentAt(raw: RawFleet, index: number): RawAgent {
  const agent = raw.agents[index];
  if (!agent) throw new Error(`the baseline has no agents[${index}]`);
  return agent;
}
