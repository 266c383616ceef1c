/**
 * Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and the two field selectors the
 * controller could use (`metadata.name`, `metadata.namespace`), as the API server parses them.
 */

export type Labels = Record<string, string>;
export type LabelPredicate = (labels: Labels) => boolean;

export class SelectorError extends Error {}

/** Splits on commas that are not inside `( … )`. */
function requirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else {
      current += char;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const SET_PATTERN = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY_PATTERN = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/;
const EXISTS_PATTERN = /^(!?)([\w./-]+)$/;

function requirement(text: string): LabelPredicate {
  const set = SET_PATTERN.exec(text);
  if (set) {
    const [, key = "", operator, list = ""] = set;
    const values = new Set(list.split(",").map((value) => value.trim()));
    return operator === "in"
      ? (labels) => key in labels && values.has(labels[key] ?? "")
      : (labels) => !(key in labels) || !values.has(labels[key] ?? "");
  }
  const equality = EQUALITY_PATTERN.exec(text);
  if (equality) {
    const [, key = "", operator, value = ""] = equality;
    return operator === "!=" ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const exists = EXISTS_PATTERN.exec(text);
  if (exists) {
    const [, negated, key = ""] = exists;
    return negated ? (labels) => !(key in labels) : (labels) => key in labels;
  }
  throw new SelectorError(`unable to parse requirement: "${text}"`);
}

export function parseLabelSelector(text: string | null | undefined): LabelPredicate {
  if (!text) return () => true;
  const predicates = requirements(text).map(requirement);
  return (labels) => predicates.every((predicate) => predicate(labels));
}

interface NamedObject {
  metadata: { name?: string; namespace?: string };
}

export function parseFieldSelector(text: string | null | undefined): (object: NamedObject) => boolean {
  if (!text) return () => true;
  const checks = requirements(text).map((part) => {
    const match = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match)
      throw new SelectorError(
        `field selector "${part}" is not supported (metadata.name, metadata.namespace)`,
      );
    const [, field, operator, value] = match;
    const read = (object: NamedObject) =>
      field === "metadata.name" ? object.metadata.name : object.metadata.namespace;
    return operator === "!="
      ? (object: NamedObject) => read(object) !== value
      : (object: NamedObject) => read(object) === value;
  });
  return (object) => checks.every((check) => check(object));
}
