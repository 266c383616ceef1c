/**
 * Aliases (`*name`) the way Pulumi's YAML reader (go-yaml v3) accepts them. An alias shares its
 * anchor's value, so a few lines of nested aliases can stand for billions of values that
 * validation and rendering would then walk. go-yaml decodes the aliases and refuses a document
 * once more than 100 of its values came from aliases and they make up too large a share (99% up
 * to 400,000 values, down to 10% at 4,000,000); it also refuses an anchor that contains an alias
 * to itself. This replays that decode and names the alias (as written in the file) to blame.
 *
 * The yaml package's own guard (`maxAliasCount`) counts alias uses instead, so it refuses an
 * anchor merged into more than 100 agents, a file Pulumi reads: the loader turns it off and relies
 * on this check. Nesting through aliases is held to the same limit as written nesting.
 */
import { type Alias, type Document, isAlias, isCollection, isPair, isScalar, type Node } from "yaml";
import { MAX_NESTING } from "./yamlDepth.ts";

export type YamlPath = (string | number)[];

export interface AliasProblem {
  reason: "contains-itself" | "excessive" | "too-deep";
  /** The alias written outside any anchor, whose expansion went wrong. */
  alias: Alias;
  /** Where that alias is in the document, e.g. `["config", "agent-fleet:agents", 3, "<<"]`. */
  path: YamlPath;
}

interface Origin {
  alias: Alias;
  path: YamlPath;
}

type Step =
  | { kind: "visit"; node: unknown; depth: number; path?: YamlPath; origin?: Origin }
  | { kind: "leave"; target: Node };

const MIN_ALIASED_VALUES = 100;
const MIN_VALUES = 1000;

/** go-yaml v3's `allowedAliasRatio`: the share of aliased values tolerated at a document size. */
function allowedAliasRatio(values: number): number {
  if (values <= 400_000) return 0.99;
  if (values >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((values - 400_000) / 3_600_000);
}

export function findAliasProblem(document: Document): AliasProblem | undefined {
  const targets = new Map<Alias, Node | undefined>();
  const expanding = new Set<Node>();
  let values = 0;
  let aliasedValues = 0;
  let lastOrigin: Origin | undefined;
  const steps: Step[] = [{ kind: "visit", node: document.contents, depth: 0, path: [] }];
  for (let step = steps.pop(); step; step = steps.pop()) {
    if (step.kind === "leave") {
      expanding.delete(step.target);
      continue;
    }
    const { node, depth, path, origin } = step;
    if (node === null || node === undefined) continue;
    values++;
    if (origin) aliasedValues++;
    if (
      aliasedValues > MIN_ALIASED_VALUES &&
      values > MIN_VALUES &&
      aliasedValues / values > allowedAliasRatio(values)
    ) {
      const culprit = origin ?? lastOrigin;
      if (culprit) return { reason: "excessive", ...culprit };
    }
    if (isAlias(node)) {
      if (!targets.has(node)) targets.set(node, node.resolve(document) as Node | undefined);
      const target = targets.get(node);
      if (!target) continue; // an unknown anchor is a syntax error the parser already reported
      const from = origin ?? { alias: node, path: path ?? [] };
      lastOrigin = from;
      if (expanding.has(target)) return { reason: "contains-itself", ...from };
      expanding.add(target);
      steps.push({ kind: "leave", target }, { kind: "visit", node: target, depth, origin: from });
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth + 1 > MAX_NESTING) {
      // Without an alias involved, yamlDepth.ts has reported this already.
      if (origin) return { reason: "too-deep", ...origin };
      continue;
    }
    steps.push(...children(node.items, depth + 1, path, origin).reverse());
  }
  return undefined;
}

function children(
  items: unknown[],
  depth: number,
  path: YamlPath | undefined,
  origin: Origin | undefined,
): Step[] {
  const steps: Step[] = [];
  items.forEach((item, index) => {
    if (!isPair(item)) {
      steps.push({ kind: "visit", node: item, depth, path: path && [...path, index], origin });
      return;
    }
    const at = path && [...path, keyName(item.key)];
    steps.push({ kind: "visit", node: item.key, depth, path: at, origin });
    steps.push({ kind: "visit", node: item.value, depth, path: at, origin });
  });
  return steps;
}

/** A map key as a path segment; the merge key `<<` parses to a symbol. */
function keyName(key: unknown): string {
  if (!isScalar(key)) return "?";
  return typeof key.value === "symbol" ? "<<" : String(key.value);
}
