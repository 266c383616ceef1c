/**
 * Config problems: one line each, `path: <value> <what is wrong and the fix>`, all reported at once.
 */

export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  /** Where in the stack config, e.g. ["agents", 2, "resources", "limits", "cpu"]. */
  path: ConfigPath;
  /** The complete sentence after the path, already naming the bad value and the fix. */
  message: string;
  /** `file:line:column` of the offending value, when loaded from a stack file. */
  location?: string;
}

/** `["agents", 2, "resources"]` → `agents[2].resources`. */
export function formatPath(path: ConfigPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text === "" ? "(root)" : text;
}

/** A short rendering of a bad value for messages: strings quoted, structures named. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "number" && !Number.isFinite(value)) return nonFiniteName(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}

/**
 * YAML reads `.nan`, `.inf` and `-.inf` as numbers; JSON has no such values (it would print null),
 * so they are named as written, with what they mean.
 */
function nonFiniteName(value: number): string {
  if (Number.isNaN(value)) return ".nan (not a number)";
  return value > 0 ? ".inf (infinity)" : "-.inf (minus infinity)";
}

export class FleetConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  readonly source: string;
  constructor(source: string, problems: readonly ConfigProblem[]) {
    const lines = problems.map((problem) =>
      problem.path.length === 0 && problem.location
        ? `  - ${problem.location}: ${problem.message}`
        : `  - ${formatPath(problem.path)}: ${problem.message}${problem.location ? `  (${problem.location})` : ""}`,
    );
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid stack config in ${source} (${count}):\n${lines.join("\n")}`);
    this.name = "FleetConfigError";
    this.problems = problems;
    this.source = source;
  }

  /** The formatted paths, handy for assertions and summaries. */
  get paths(): string[] {
    return this.problems.map((problem) => formatPath(problem.path));
  }
}
