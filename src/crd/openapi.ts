/**
 * zod → Kubernetes structural OpenAPI v3 schema. Kubernetes accepts a subset of JSON Schema:
 * no `$schema`, no `const`, no `additionalProperties: false` beside `properties`; free-form
 * objects must say `x-kubernetes-preserve-unknown-fields`.
 */
import { z } from "zod";

type JsonSchema = { [key: string]: unknown };

export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    unrepresentable: "any",
    io: "input",
  }) as JsonSchema;
  return structural(json);
}

function structural(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "additionalProperties" || key === "id") continue;
    // zod emits ±2^53-1 bounds for every int; they add nothing but noise to a CRD.
    if ((key === "maximum" || key === "minimum") && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
      continue;
    if (key === "const") {
      out.enum = [value];
      continue;
    }
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [name, structural(child)]),
      );
      continue;
    }
    if (key === "items" && value && typeof value === "object") {
      out.items = structural(value as JsonSchema);
      continue;
    }
    out[key] = value;
  }
  // OpenAPI 3.0's boolean exclusiveMinimum reads poorly on integers: `> 0` is `minimum: 1`.
  if (out.type === "integer" && out.exclusiveMinimum === true && typeof out.minimum === "number") {
    out.minimum = out.minimum + 1;
    delete out.exclusiveMinimum;
  }
  const additional = node.additionalProperties;
  if (out.type === "object" && !out.properties) {
    if (additional && typeof additional === "object" && Object.keys(additional).length > 0) {
      out.additionalProperties = structural(additional as JsonSchema);
    } else {
      out["x-kubernetes-preserve-unknown-fields"] = true;
    }
  }
  return out;
}
