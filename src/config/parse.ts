/**
 * The single entry from raw config values to a validated {@link FleetConfig}. Both loaders (the
 * Pulumi program and the offline stack-file reader) feed it the same shape: the values of the
 * `agent-fleet:*` keys with secrets already replaced by {@link SecretRef}s.
 */
import { crossCheck } from "./crossChecks.ts";
import { predicateFor, problemsFromZod } from "./issueText.ts";
import { type ConfigProblem, FleetConfigError } from "./problems.ts";
import { type FleetConfig, resolveFleet } from "./resolve.ts";
import { fleetConfigSchema } from "./schema.ts";

export const CONFIG_NAMESPACE = "agent-fleet";

export interface ParseOptions {
  /** Named in the error, e.g. `Pulumi.prod.yaml`. */
  source: string;
  /** Adds `file:line:col` to a problem, when the caller knows where values came from. */
  locate?: (problem: ConfigProblem) => string | undefined;
}

/** Validates everything, reports every problem at once, and returns the resolved fleet. */
export function parseFleetConfig(raw: Record<string, unknown>, options: ParseOptions): FleetConfig {
  const result = fleetConfigSchema.safeParse(raw, { reportInput: true, error: predicateFor });
  if (!result.success) {
    throw withLocations(options, problemsFromZod(result.error, raw, fleetConfigSchema));
  }
  const fleet = resolveFleet(result.data);
  const problems = crossCheck(fleet);
  if (problems.length > 0) throw withLocations(options, problems);
  return fleet;
}

function withLocations(options: ParseOptions, problems: ConfigProblem[]): FleetConfigError {
  const located = problems.map((problem) => {
    const location = options.locate?.(problem);
    return location ? { ...problem, location } : problem;
  });
  return new FleetConfigError(options.source, located);
}
