/**
 * Reads a stack file's bytes the way Pulumi's YAML reader (go-yaml v3) does, so the offline tools
 * accept what `pulumi up` accepts and reject the rest with `file:line:col`: UTF-8 only, merge keys
 * (`<<: *defaults`) honoured, unique keys, bounded nesting and aliasing. Each refusal is a
 * {@link FleetConfigError}, reported before any value is checked.
 */
import { type Document, LineCounter, parseDocument } from "yaml";
import { type ConfigPath, type ConfigProblem, FleetConfigError } from "./problems.ts";
import { configPathOf } from "./stackPaths.ts";
import { decodeUtf8, type InvalidUtf8 } from "./utf8.ts";
import { type AliasProblem, findAliasProblem } from "./yamlAliases.ts";
import { findTooDeep, MAX_NESTING } from "./yamlDepth.ts";
import { scalarPathAt } from "./yamlLocate.ts";

export interface StackYaml {
  text: string;
  document: Document;
  lineCounter: LineCounter;
  /** The document as plain values (merge keys applied, aliases shared). */
  root: unknown;
}

const PARSE_OPTIONS = { merge: true, uniqueKeys: true, prettyErrors: true } as const;

export function readStackYaml(bytes: Uint8Array, source: string): StackYaml {
  const decoded = decodeUtf8(bytes);
  if (decoded.invalid) throw new FleetConfigError(source, [invalidUtf8Problem(decoded.invalid, source)]);
  const { text } = decoded;
  const at = (offset: number) => `${source}:${lineAndColumn(text.slice(0, offset))}`;
  const tooDeep = findTooDeep(text);
  if (tooDeep) {
    const path = tooDeep.configKey === undefined ? [] : configPathOf(["config", tooDeep.configKey]);
    throw new FleetConfigError(source, [
      { path, message: tooDeepMessage(path), location: at(tooDeep.offset) },
    ]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  if (document.errors.length > 0) throw new FleetConfigError(source, syntaxProblems(document, text, source));
  const aliasProblem = findAliasProblem(document);
  if (aliasProblem) {
    const path = configPathOf(aliasProblem.path);
    const location = at(aliasProblem.alias.range?.[0] ?? 0);
    throw new FleetConfigError(source, [{ path, message: aliasMessage(aliasProblem), location }]);
  }
  // findAliasProblem bounds the expansion as Pulumi does; see yamlAliases.ts for why not maxAliasCount.
  return { text, document, lineCounter, root: document.toJS({ maxAliasCount: -1 }) };
}

function invalidUtf8Problem(invalid: InvalidUtf8, source: string): ConfigProblem {
  const { textBefore, lossyText, reason } = invalid;
  const location = `${source}:${lineAndColumn(textBefore)}`;
  const fix = "save the file as UTF-8 (Pulumi cannot read it either)";
  const path = pathOfCharacter(lossyText, textBefore.length);
  return path.length > 0
    ? { path, message: `is not valid UTF-8: ${reason}; ${fix}`, location }
    : { path, message: `the file is not valid UTF-8: ${reason}; ${fix}`, location };
}

/** The config value a bad byte sits in, read from the file with the byte replaced. */
function pathOfCharacter(lossyText: string, offset: number): ConfigPath {
  if (findTooDeep(lossyText)) return [];
  const document = parseDocument(lossyText, { merge: true, uniqueKeys: false });
  if (document.errors.length > 0) return [];
  return configPathOf(scalarPathAt(document, offset) ?? []);
}

/** `line:col` (1-based, columns in UTF-16 units as the yaml package counts them) just after `textBefore`. */
function lineAndColumn(textBefore: string): string {
  const line = textBefore.split("\n").length;
  const col = textBefore.length - textBefore.lastIndexOf("\n");
  return `${line}:${col}`;
}

function tooDeepMessage(path: ConfigPath): string {
  const what = path.length > 0 ? "nests" : "the file nests";
  return `${what} maps and lists more than ${MAX_NESTING} levels deep from here; no setting needs more than a few, so check the indentation and brackets`;
}

function aliasMessage({ reason, alias }: AliasProblem): string {
  const name = `\`*${alias.source}\``;
  switch (reason) {
    case "contains-itself":
      return `${name} refers to the anchor \`&${alias.source}\` that contains it, so the value would contain itself`;
    case "too-deep":
      return `${name} nests maps and lists more than ${MAX_NESTING} levels deep once expanded`;
    case "excessive":
      return `${name} expands, through the aliases inside it, to so many values that Pulumi refuses the file (excessive aliasing): write the values out`;
  }
}

function syntaxProblems(document: Document, text: string, source: string): ConfigProblem[] {
  return document.errors.map((error) => {
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
}

/** The yaml parser marks only the first character of a repeated key; name the whole key. */
function duplicateKeyAt(text: string, offset: number): string {
  const restOfLine = text.slice(offset).split("\n")[0] ?? "";
  const key = /^(.+?):(\s|$)/.exec(restOfLine)?.[1]?.trim();
  return key ? `\`${key}\` appears more than once` : "a key appears more than once";
}
