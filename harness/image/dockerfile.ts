/**
 * A Dockerfile read into stages of instructions (pure): enough of the format to follow what a
 * build copies, sets and runs — line continuations, comments, `ARG` defaults before the first
 * `FROM` substituted as `${NAME}`, JSON-form `ENTRYPOINT`/`CMD`. No image is pulled or built.
 */

export interface Instruction {
  /** Upper-case keyword: COPY, RUN, ENV, ... */
  keyword: string;
  /** The rest of the line, continuations joined, global ARGs substituted. */
  args: string;
  line: number;
}

export interface Stage {
  /** The `FROM` image, ARGs substituted. */
  from: string;
  /** `AS <name>`, else the stage's index as text (what `--from=` accepts). */
  name: string;
  instructions: Instruction[];
}

export class DockerfileError extends Error {
  override name = "DockerfileError";
}

/** Logical lines (continuations joined), with the line number each starts on. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && !pending)) return;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { ...pending, text: `${pending.text} ${part}`.trim() }
      : { text: part, line: index + 1 };
    if (!continued) {
      lines.push(pending);
      pending = undefined;
    }
  });
  if (pending) lines.push(pending);
  return lines;
}

export function parseDockerfile(text: string): Stage[] {
  const globals = new Map<string, string>();
  const substitute = (value: string) =>
    value.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
      const found = globals.get((braced ?? bare) as string);
      return found ?? whole;
    });
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const match = /^(\w+)\s*(.*)$/.exec(lineText);
    if (!match) throw new DockerfileError(`line ${line}: not an instruction: ${lineText}`);
    const keyword = (match[1] as string).toUpperCase();
    const args = substitute(match[2] as string);
    if (keyword === "FROM") {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new DockerfileError(`line ${line}: FROM needs an image: FROM ${args}`);
      stages.push({ from: from[1] as string, name: from[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== "ARG") throw new DockerfileError(`line ${line}: ${keyword} before the first FROM`);
      const [name, value = ""] = args.split("=", 2) as [string, string?];
      globals.set(name.trim(), value.trim());
    } else {
      stages.at(-1)?.instructions.push({ keyword, args, line });
    }
  }
  if (stages.length === 0) throw new DockerfileError("no FROM: the Dockerfile has no stage");
  return stages;
}

/** The arguments of a JSON-form instruction (`ENTRYPOINT ["node", "main.ts"]`). */
export function execForm(instruction: Instruction): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(instruction.args);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string")) {
    throw new DockerfileError(`line ${instruction.line}: ${instruction.keyword} is not in JSON (exec) form`);
  }
  return parsed;
}

/** `COPY [--from=stage] <src>... <dest>`, split. */
export function copyArgs(instruction: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = instruction.args.split(/\s+/).filter(Boolean);
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  const unknown = flags.filter((flag) => !flag.startsWith("--from="));
  if (unknown.length > 0)
    throw new DockerfileError(`line ${instruction.line}: COPY flags not followed: ${unknown.join(" ")}`);
  if (paths.length < 2)
    throw new DockerfileError(`line ${instruction.line}: COPY needs a source and a destination`);
  const from = flags[0]?.slice("--from=".length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1) as string };
}

/** `ENV KEY=value ...` (or the legacy `ENV KEY value`). */
export function envArgs(instruction: Instruction): Record<string, string> {
  if (!instruction.args.includes("=")) {
    const [key, ...value] = instruction.args.split(/\s+/);
    return { [key as string]: value.join(" ") };
  }
  return Object.fromEntries(
    instruction.args
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => {
        const [key, value = ""] = pair.split("=", 2) as [string, string?];
        return [key, value.replace(/^"(.*)"$/, "$1")];
      }),
  );
}
