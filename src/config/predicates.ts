/**
 * The per-parse zod error map: a predicate on the bad value ("is not one of: dev, prod") for
 * every issue the schema did not word itself. Written for YAML users, so never in zod's terms
 * ("Invalid input", "regex", "received undefined").
 */
import type { core } from "zod";

export function predicateFor(issue: core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return typePredicate(issue.input, issue.expected);
    case "too_small":
      if (issue.origin === "array") return `needs at least ${issue.minimum} entries`;
      if (issue.origin === "string") return `is shorter than ${issue.minimum} characters`;
      return `is below the minimum ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `allows at most ${issue.maximum} entries`;
      if (issue.origin === "string") return `is longer than ${issue.maximum} characters`;
      return `is above the maximum ${String(issue.maximum)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `is not ${JSON.stringify(issue.values[0])}`
        : `is not one of: ${issue.values.map((value) => String(value)).join(", ")}`;
    case "invalid_format":
      return formatPredicate(issue);
    case "invalid_union":
      return unionPredicate(issue.errors);
    case "invalid_key":
      return issue.issues[0]?.message;
    case "not_multiple_of":
      return `is not a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
}

// Stack files are YAML, so shapes are named the way YAML users know them: maps and lists.
const YAML_KINDS: Record<string, string> = { object: "a map", record: "a map", array: "a list" };

export function expectedKind(expected: string): string {
  return YAML_KINDS[expected] ?? `a ${expected}`;
}

function typePredicate(input: unknown, expected: string): string {
  if (input === undefined) return `is required (${expectedKind(expected)})`;
  // `.nan` and `.inf` are numbers to YAML; issueText.ts names them and says "got".
  if (typeof input === "number" && !Number.isFinite(input)) return `expected ${expectedKind(expected)}`;
  return `is ${kindOf(input)}, expected ${expectedKind(expected)}`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}

/**
 * Only the schema can say what its pattern means (primitives.ts words each one); without that,
 * the message says the form is wrong rather than quoting regex syntax at a YAML user.
 */
function formatPredicate(issue: core.$ZodRawIssue<core.$ZodIssueInvalidStringFormat>): string {
  const details = issue as { prefix?: string; suffix?: string; includes?: string };
  switch (issue.format) {
    case "starts_with":
      return `does not start with ${JSON.stringify(details.prefix)}`;
    case "ends_with":
      return `does not end with ${JSON.stringify(details.suffix)}`;
    case "includes":
      return `does not contain ${JSON.stringify(details.includes)}`;
    case "regex":
      return "is not in the form this setting takes";
    default:
      return `is not a valid ${issue.format}`;
  }
}

/**
 * One clause for a value no option of a union takes: `is not a duration (…) or "manual"`, `is a
 * list, expected a string or a number`. When an option recognised the value's shape and said
 * something specific (a duration given as a bare number), that diagnosis is the whole message.
 */
function unionPredicate(optionIssues: readonly (readonly core.$ZodIssue[])[]): string | undefined {
  const messages = optionIssues.flatMap((issues) => (issues[0] ? [issues[0].message] : []));
  if (messages.length === 0) return undefined;
  const mismatches = messages.map((message) => TYPE_MISMATCH.exec(message));
  if (mismatches.every((match) => match !== null)) {
    return `is ${mismatches[0]?.[1]}, expected ${mismatches.map((match) => match?.[2]).join(" or ")}`;
  }
  const specific = messages.find((message) => !message.startsWith("is not ") && !TYPE_MISMATCH.test(message));
  if (specific) return specific;
  const negations = messages.filter((message) => message.startsWith("is not "));
  const alternatives = negations.map((message) => message.slice("is not ".length).replace(/^one of: /, ""));
  return alternatives.length > 0 ? `is not ${alternatives.join(" or ")}` : messages[0];
}

const TYPE_MISMATCH = /^is (.+?), expected (.+)$/;
