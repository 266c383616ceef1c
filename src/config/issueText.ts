/**
 * Turns zod issues into {@link ConfigProblem}s whose text names the bad value and the fix.
 * Schema-level messages are already phrased as predicates; this supplies the rest.
 */
import { type core, z } from "zod";
import { type ConfigPath, type ConfigProblem, describeValue } from "./problems.ts";
import { isSecretKey } from "./secrets.ts";
import { closest } from "./suggest.ts";

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
    problems.push({ path, message: valueMessage(issue, valueAt(input, path), path) });
  }
  return problems;
}

// Issues a missing value raises: whatever the schema says about a bad value, the fix is to set one.
const MISSING_VALUE_CODES = new Set(["invalid_type", "invalid_value", "invalid_union"]);

function valueMessage(issue: core.$ZodIssue, value: unknown, path: ConfigPath): string {
  if (value === undefined && MISSING_VALUE_CODES.has(issue.code)) return requiredMessage(issue.message);
  const message = issue.message + quotedScalarHint(issue, value);
  // The path ends at the key, so the value there is not what is wrong: the key is.
  if (issue.code === "invalid_key") return `the key ${describeValue(path.at(-1))} ${message}`;
  // A credential pasted as plaintext is never echoed: error output ends up in CI logs.
  if (path.length === 1 && isSecretKey(String(path[0]))) return message;
  if (typeof value === "number" && !Number.isFinite(value)) {
    return `got ${describeValue(value)}, ${message.startsWith("expected") ? message : `which ${message}`}`;
  }
  if (value === undefined || message.startsWith("is required") || message.includes("expected a"))
    return message;
  return `${describeValue(value)} ${message}`;
}

/** `is not a CPU quantity (examples: 2, 500m)` → `is required (a CPU quantity, examples: 2, 500m)`. */
function requiredMessage(message: string): string {
  if (message.startsWith("is required")) return message;
  if (!message.startsWith("is not ")) return "is required";
  const what = message.slice("is not ".length).replace(/ \((.*)\)$/, ", $1");
  return `is required (${what})`;
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
