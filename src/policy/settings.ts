/**
 * Tunable policy thresholds. Each setting is declared once, with its default and description; the
 * pack turns the declarations into `@pulumi/policy` config schemas, and both the pack and the
 * offline run resolve values (pack config over defaults) with {@link resolveSettings}.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

export interface SettingSpec<V> {
  default: V;
  description: string;
  /** JSON schema of the value (without `default`/`description`, which are added from above). */
  schema: PolicyConfigJSONSchema;
  /** The value, or undefined when it does not fit the schema. */
  parse(value: unknown): V | undefined;
}

export type SettingSpecs = Record<string, SettingSpec<unknown>>;
export type SettingsOf<S extends SettingSpecs> = {
  [K in keyof S]: S[K] extends SettingSpec<infer V> ? V : never;
};

export function integerSetting(defaultValue: number, description: string, minimum = 0): SettingSpec<number> {
  return {
    default: defaultValue,
    description,
    schema: { type: "integer", minimum },
    parse: (value) =>
      Number.isInteger(value) && (value as number) >= minimum ? (value as number) : undefined,
  };
}

export function stringSetting(defaultValue: string, description: string): SettingSpec<string> {
  return {
    default: defaultValue,
    description,
    schema: { type: "string" },
    parse: (value) => (typeof value === "string" ? value : undefined),
  };
}

export function stringListSetting(defaultValue: string[], description: string): SettingSpec<string[]> {
  return {
    default: defaultValue,
    description,
    schema: { type: "array", items: { type: "string" } },
    parse: (value) =>
      Array.isArray(value) && value.every((item) => typeof item === "string") ? [...value] : undefined,
  };
}

/** The JSON schema Pulumi validates a policy's pack config against. */
export function configSchemaOf(settings: SettingSpecs): {
  properties: Record<string, PolicyConfigJSONSchema>;
} {
  return {
    properties: Object.fromEntries(
      Object.entries(settings).map(([key, spec]) => [
        key,
        { ...spec.schema, description: spec.description, default: spec.default as never },
      ]),
    ),
  };
}

/**
 * Settings of one policy: provided values (pack config) over defaults. Unknown keys and values of
 * the wrong type are errors, as they are when Pulumi validates pack config against the schema.
 */
export function resolveSettings<S extends SettingSpecs>(
  policy: string,
  settings: S,
  provided: Record<string, unknown> = {},
): SettingsOf<S> {
  const resolved: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(settings)) {
    const value = provided[key];
    if (value === undefined) {
      resolved[key] = spec.default;
      continue;
    }
    const parsed = spec.parse(value);
    if (parsed === undefined) {
      throw new Error(
        `policy config ${policy}.${key}: ${JSON.stringify(value)} does not match ${JSON.stringify(spec.schema)}`,
      );
    }
    resolved[key] = parsed;
  }
  const unknown = Object.keys(provided).filter((key) => key !== "enforcementLevel" && !(key in settings));
  if (unknown.length > 0) {
    const known = Object.keys(settings).join(", ") || "(none)";
    throw new Error(`policy config ${policy}: unknown setting(s) ${unknown.join(", ")}; known: ${known}`);
  }
  return resolved as SettingsOf<S>;
}
