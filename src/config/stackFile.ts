/**
 * Offline loader: reads `Pulumi.<stack>.yaml` directly, without a Pulumi backend. Secret values
 * (`secure:` ciphertext, or ESC imports) stay unresolved: builders see {@link SecretRef}s and the
 * render writes clearly marked placeholders. It cannot know what the backend holds, so a receiver
 * whose secret the file does not show is rendered anyway; {@link LoadedStack.secretsNote} lists
 * those secrets for the CLIs to print (the Pulumi program decides: see receiverSecrets.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type Document, isCollection, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { CONFIG_NAMESPACE, parseFleetConfig } from "./parse.ts";
import { type ConfigPath, type ConfigProblem, FleetConfigError } from "./problems.ts";
import { backendSecretsNote } from "./receiverSecrets.ts";
import type { FleetConfig } from "./resolve.ts";
import { isSecretKey, SecretRef } from "./secrets.ts";

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
  const text = readFileSync(file, "utf8");
  const source = basename(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems: ConfigProblem[] = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const where = position ? `${source}:${position.line}:${position.col}` : source;
      const firstLine = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
      const reason =
        error.code === "DUPLICATE_KEY" ? `${firstLine}: ${duplicateKeyAt(text, error.pos[0])}` : firstLine;
      return {
        path: [],
        message: `YAML syntax error: ${reason} (fix the YAML before the config can be checked)`,
        location: where,
      };
    });
    throw new FleetConfigError(source, problems);
  }
  const root = document.toJS() as Record<string, unknown> | null;
  const escImports = toImports(root?.environment);
  const raw = rawConfigFrom(root?.config, source);
  const fleet = parseFleetConfig(raw, {
    source,
    locate: (problem) => {
      const [key, ...rest] = problem.path;
      if (key === undefined) return undefined;
      const offset = offsetOf(document, ["config", `${CONFIG_NAMESPACE}:${key}`, ...rest]);
      if (offset === undefined) return undefined;
      const { line, col } = lineCounter.linePos(offset);
      return `${source}:${line}:${col}`;
    },
  });
  return { stack, file, fleet, escImports, secretsNote: backendSecretsNote(fleet, stack, escImports) };
}

/** The yaml parser marks only the first character of a repeated key; name the whole key. */
function duplicateKeyAt(text: string, offset: number): string {
  const restOfLine = text.slice(offset).split("\n")[0] ?? "";
  const key = /^(.+?):(\s|$)/.exec(restOfLine)?.[1]?.trim();
  return key ? `\`${key}\` appears more than once` : "a key appears more than once";
}

/**
 * Where a config value starts. A map or list value starts on the line after its key, so for those
 * the key is reported: that is the line the user wrote (and the one to fix for an unknown key).
 */
function offsetOf(document: Document, yamlPath: ConfigPath): number | undefined {
  const parent = document.getIn(yamlPath.slice(0, -1), true);
  const last = yamlPath.at(-1);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    if (pair && isScalar(pair.key) && isCollection(pair.value)) return pair.key.range?.[0];
  }
  const node = document.getIn(yamlPath, true);
  return isNode(node) ? node.range?.[0] : undefined;
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

/** `agent-fleet:<key>` entries → raw values, with `secure:` values turned into SecretRefs. */
function rawConfigFrom(config: unknown, source: string): Record<string, unknown> {
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new FleetConfigError(source, [
      { path: [], message: "`config:` must be a map of `agent-fleet:<key>` entries" },
    ]);
  }
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(config)) {
    const separator = fullKey.indexOf(":");
    const namespace = separator === -1 ? CONFIG_NAMESPACE : fullKey.slice(0, separator);
    if (namespace !== CONFIG_NAMESPACE) continue; // provider settings such as kubernetes:context
    const key = fullKey.slice(separator + 1);
    raw[key] = isSecureValue(value) && isSecretKey(key) ? new SecretRef(key, "stack") : value;
  }
  return raw;
}

function isSecureValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}
