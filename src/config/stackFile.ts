/**
 * Offline loader: reads `Pulumi.<stack>.yaml` directly, without a Pulumi backend. Secret values
 * (`secure:` ciphertext, or ESC imports) stay unresolved: builders see {@link SecretRef}s and the
 * render writes clearly marked placeholders. It cannot know what the backend holds, so a receiver
 * whose secret the file does not show is rendered anyway; {@link LoadedStack.secretsNote} lists
 * those secrets for the CLIs to print (the Pulumi program decides: see receiverSecrets.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type ForeignKeyProblem, ownerOf } from "./namespaces.ts";
import { parseFleetConfig } from "./parse.ts";
import { type ConfigProblem, FleetConfigError } from "./problems.ts";
import { backendSecretsNote } from "./receiverSecrets.ts";
import type { FleetConfig } from "./resolve.ts";
import { isSecretKey, SecretRef } from "./secrets.ts";
import { yamlPathsOf } from "./stackPaths.ts";
import { offsetOf } from "./yamlLocate.ts";
import { readStackYaml } from "./yamlSource.ts";

/** What the offline tools know about a stack besides its fleet. */
export interface LoadedStack {
  stack: string;
  file: string;
  fleet: FleetConfig;
  /** ESC environments the stack imports (their values are not visible offline). */
  escImports: string[];
  /**
   * The secrets the stack's receivers need that the file does not show, as a note to print
   * (undefined when there are none). Not an error: they may be set in the backend or ESC.
   */
  secretsNote: string | undefined;
}

export function stackFilePath(stack: string, projectDir = process.cwd()): string {
  return join(resolve(projectDir), `Pulumi.${stack}.yaml`);
}

/** Loads and validates a stack by name (`dev`, `prod`) from the project directory. */
export function loadStack(stack: string, projectDir = process.cwd()): LoadedStack {
  const file = stackFilePath(stack, projectDir);
  if (!existsSync(file)) {
    throw new Error(
      `No stack file ${file}: create it with \`pulumi stack init ${stack}\` or pass --stack dev|prod`,
    );
  }
  return loadStackFile(file, stack);
}

/** Loads and validates any stack file (fixtures use this with their own paths). */
export function loadStackFile(file: string, stack = stackNameOf(file)): LoadedStack {
  const source = basename(file);
  const { document, lineCounter, root } = readStackYaml(readFileSync(file), source);
  const top = root as Record<string, unknown> | null;
  const escImports = toImports(top?.environment);
  const { raw, keyProblems } = rawConfigFrom(top?.config, source);
  const fleet = parseFleetConfig(raw, {
    source,
    keyProblems,
    locate: (problem: ConfigProblem) => {
      for (const yamlPath of yamlPathsOf(problem.path)) {
        const offset = offsetOf(document, yamlPath);
        if (offset === undefined) continue;
        const { line, col } = lineCounter.linePos(offset);
        return `${source}:${line}:${col}`;
      }
      return undefined;
    },
  });
  return { stack, file, fleet, escImports, secretsNote: backendSecretsNote(fleet, stack, escImports) };
}

function stackNameOf(file: string): string {
  return basename(file)
    .replace(/^Pulumi\./, "")
    .replace(/\.ya?ml$/, "");
}

function toImports(environment: unknown): string[] {
  if (Array.isArray(environment)) return environment.map(String);
  if (environment && typeof environment === "object" && "imports" in environment) {
    return toImports((environment as { imports: unknown }).imports);
  }
  return [];
}

/**
 * `agent-fleet:<key>` entries → raw values, with `secure:` values turned into SecretRefs; keys in
 * a namespace nobody reads become problems (provider settings such as kubernetes:context are left).
 */
function rawConfigFrom(
  config: unknown,
  source: string,
): { raw: Record<string, unknown>; keyProblems: ForeignKeyProblem[] } {
  if (config === undefined || config === null) return { raw: {}, keyProblems: [] };
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new FleetConfigError(source, [
      { path: [], message: "`config:` must be a map of `agent-fleet:<key>` entries" },
    ]);
  }
  const raw: Record<string, unknown> = {};
  const keyProblems: ForeignKeyProblem[] = [];
  for (const [fullKey, value] of Object.entries(config)) {
    const owner = ownerOf(fullKey);
    if (owner.owner === "nobody") keyProblems.push(owner.problem);
    if (owner.owner !== "fleet") continue;
    const { key } = owner;
    raw[key] = isSecureValue(value) && isSecretKey(key) ? new SecretRef(key, "stack") : value;
  }
  return { raw, keyProblems };
}

function isSecureValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}
