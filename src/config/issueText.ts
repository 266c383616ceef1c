/**
 * Turns zod issues into {@link ConfigProblem}s whose text names the bad value and the fix.
 * Schema-level messages are already phrased as predicates; this supplies the rest.
 */
import { type core, z } from "zod";
import { type ConfigPath, type ConfigProblem, describeValue } from "./problems.ts";
import { isSecretKey } from "./secrets.ts";
import { closest } from "./suggest.ts";

/** Per-parse error map: only used where the schema did not set its own message. */
export function predicateFor(issue: core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `is required (${expectedKind(issue.expected)})`
        : `is ${kindOf(issue.input)}, expected ${expectedKind(issue.expected)}`;
    case "too_small":
      return issue.origin === "array"
        ? `needs at least ${issue.minimum} entries`
        : `is below the minimum ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array"
        ? `allows at most ${issue.maximum} entries`
        : `is above the maximum ${String(issue.maximum)}`;
    case "invalid_value":
      return `is not one of: ${issue.values.map((value) => String(value)).join(", ")}`;
    case "invalid_format":
      return `is not a valid ${issue.format}`;
    case "not_multiple_of":
      return `is not a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
}

// Stack files are YAML, so shapes are named the way YAML users know them: maps and lists.
const YAML_KINDS: Record<string, string> = { object: "a map", record: "a map", array: "a list" };

function expectedKind(expected: string): string {
  return YAML_KINDS[expected] ?? `a ${expected}`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}

/**
 * `min: "3"` or `externalAccess: "true"` is text in YAML; the bare predicate ("is not a positive
 * whole number") would contradict what the user sees, so say that the quotes are the problem.
 */
function quotedScalarHint(issue: core.$ZodIssue, value: unknown): string {
  if (issue.code !== "invalid_type" || typeof value !== "string") return "";
  const looksNumeric = issue.expected === "number" && value.trim() !== "" && Number.isFinite(Number(value));
  const looksBoolean = issue.expected === "boolean" && (value === "true" || value === "false");
  return looksNumeric || looksBoolean
    ? ` (it is quoted, so YAML reads it as text: write ${value} without quotes)`
    : "";
}

/** Converts a failed parse into problems, looking up the offending input value for each. */
export function problemsFromZod(error: z.ZodError, input: unknown, schema: z.ZodType): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysAt(schema, path, input);
      for (const key of issue.keys) {
        problems.push({ path: [...path, key], message: unknownKeyMessage(key, allowed) });
      }
      continue;
    }
    if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator) {
      // zod reports the discriminator's own path; the union schema sits one level up.
      const unionPath = path.at(-1) === issue.discriminator ? path.slice(0, -1) : path;
      const expected = discriminatorValues(schema, unionPath, input).join(", ");
      problems.push({
        path: [...unionPath, issue.discriminator],
        message: `${describeValue(valueAt(input, [...unionPath, issue.discriminator]))} is not one of: ${expected}`,
      });
      continue;
    }
    const value = valueAt(input, path);
    const message = issue.message + quotedScalarHint(issue, value);
    // A credential pasted as plaintext is never echoed: error output ends up in CI logs.
    const isCredential = path.length === 1 && isSecretKey(String(path[0]));
    const showValue =
      value !== undefined &&
      !isCredential &&
      !message.startsWith("is required") &&
      !message.includes("expected a");
    problems.push({ path, message: showValue ? `${describeValue(value)} ${message}` : message });
  }
  return problems;
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const suggestion = closest(key, allowed);
  const hint = suggestion ? `did you mean "${suggestion}"? ` : "";
  return `is not a known setting: ${hint}allowed here: ${allowed.join(", ") || "(none)"}`;
}

export function valueAt(input: unknown, path: ConfigPath): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Unwraps defaults, optionals, pipes and transforms to the schema that describes the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 20; depth++) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
  return current;
}

/** The schema at a path of the input (lists and records step into their element schema). */
function schemaAt(schema: z.ZodType, path: ConfigPath, input: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (let index = 0; index < path.length && current; index++) {
    const segment = path[index] as string | number;
    current = childSchema(current, segment, valueAt(input, path.slice(0, index)));
    if (current) current = unwrap(current);
  }
  return current ? pickUnionOption(current, valueAt(input, path)) : undefined;
}

function childSchema(schema: z.ZodType, segment: string | number, value: unknown): z.ZodType | undefined {
  const resolved = pickUnionOption(schema, value);
  if (resolved instanceof z.ZodObject) return resolved.shape[String(segment)] as z.ZodType | undefined;
  if (resolved instanceof z.ZodArray) return resolved.element as z.ZodType;
  if (resolved instanceof z.ZodRecord) return resolved.valueType as z.ZodType;
  return undefined;
}

/** For a discriminated union, the option matching the input's discriminator; other schemas as is. */
function pickUnionOption(schema: z.ZodType, value: unknown): z.ZodType {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return schema;
  const discriminator = schema.def.discriminator;
  const wanted = valueAt(value, [discriminator]);
  for (const option of schema.options as z.ZodType[]) {
    const shape = unwrap(option);
    if (shape instanceof z.ZodObject) {
      const literal = shape.shape[discriminator];
      if (literal instanceof z.ZodLiteral && literal.values.has(wanted as never)) return shape;
    }
  }
  return schema;
}

function allowedKeysAt(schema: z.ZodType, path: ConfigPath, input: unknown): string[] {
  const target = schemaAt(schema, path, input);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function discriminatorValues(schema: z.ZodType, path: ConfigPath, input: unknown): string[] {
  const target = schemaAt(schema, path, input);
  if (!(target instanceof z.ZodDiscriminatedUnion)) return [];
  const discriminator = target.def.discriminator;
  return (target.options as z.ZodType[]).flatMap((option) => {
    const shape = unwrap(option);
    const literal = shape instanceof z.ZodObject ? shape.shape[discriminator] : undefined;
    return literal instanceof z.ZodLiteral ? [...literal.values].map(String) : [];
  });
}
