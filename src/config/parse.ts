/**
 * The single entry from raw config values to a validated {@link FleetConfig}. Both loaders (the
 * Pulumi program and the offline stack-file reader) feed it the same shape: the values of the
 * `agent-fleet:*` keys with secrets already replaced by {@link SecretRef}s.
 */
import { crossCheck } from "./crossChecks.ts";
import { problemsFromZod } from "./issueText.ts";
import type { ForeignKeyProblem } from "./namespaces.ts";
import { predicateFor } from "./predicates.ts";
import { type ConfigProblem, FleetConfigError } from "./problems.ts";
import { type FleetConfig, resolveFleet } from "./resolve.ts";
import { fleetConfigSchema } from "./schema.ts";

export interface ParseOptions {
  /** Named in the error, e.g. `Pulumi.prod.yaml`. */
  source: string;
  /** Adds `file:line:col` to a problem, when the caller knows where values came from. */
  locate?: (problem: ConfigProblem) => string | undefined;
  /** Keys in a namespace nobody reads (namespaces.ts), reported with the values' problems. */
  keyProblems?: readonly ForeignKeyProblem[];
}

/** Validates everything, reports every problem at once, and returns the resolved fleet. */
export function parseFleetConfig(raw: Record<string, unknown>, options: ParseOptions): FleetConfig {
  const keyProblems = options.keyProblems ?? [];
  const keyLines = keyProblems.map(({ path, message }) => ({ path, message }));
  const result = fleetConfigSchema.safeParse(raw, { reportInput: true, error: predicateFor });
  if (!result.success) {
    const valueProblems = problemsFromZod(result.error, raw, fleetConfigSchema);
    throw withLocations(options, [...keyLines, ...withoutEchoes(valueProblems, keyProblems, raw)]);
  }
  const fleet = resolveFleet(result.data);
  const problems = [...keyLines, ...crossCheck(fleet)];
  if (problems.length > 0) throw withLocations(options, problems);
  return fleet;
}

/**
 * `myproj:agents` also leaves `agents` unset; its "is required" is the same mistake, already
 * reported with the fix, so it is left out.
 */
function withoutEchoes(
  problems: ConfigProblem[],
  keyProblems: readonly ForeignKeyProblem[],
  raw: Record<string, unknown>,
): ConfigProblem[] {
  const meant = new Set(keyProblems.flatMap((problem) => (problem.meantKey ? [problem.meantKey] : [])));
  return problems.filter((problem) => {
    const key = String(problem.path[0]);
    return !(problem.path.length === 1 && meant.has(key) && raw[key] === undefined);
  });
}

function withLocations(options: ParseOptions, problems: ConfigProblem[]): FleetConfigError {
  const located = problems.map((problem) => {
    const location = options.locate?.(problem);
    return location ? { ...problem, location } : problem;
  });
  return new FleetConfigError(options.source, located);
}
