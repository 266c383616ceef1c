/**
 * One object against the limits the API server enforces on create: its name, its labels and
 * annotations (and those of its pod template, validated with it), and the data of ConfigMaps and
 * Secrets. Sizes are counted as the server counts them: bytes, not characters, and decoded bytes
 * for base64 fields.
 */

import { type LabelChecks, LIMITS, labelChecks, nameRuleOf, quote } from "../../contract/kubernetesNames.ts";
import type { KubeObject } from "../types.ts";

export interface FieldProblem {
  /** The field as a path (`metadata.labels["version"]`). */
  field: string;
  /** What is wrong, the limit and the fix; the object is named by the caller. */
  message: string;
}

/** `apps/v1` → `apps`; the core group is "". */
export function apiGroupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
}

function nameProblems(object: KubeObject): FieldProblem[] {
  const { name } = object.metadata;
  if (typeof name !== "string") return [];
  const rule = nameRuleOf(object.kind, apiGroupOf(object.apiVersion));
  const fix = "Fix: shorten the agent id or cluster name it is derived from";
  if (rule.maxLength !== undefined && name.length > rule.maxLength) {
    return [
      {
        field: "metadata.name",
        message: `metadata.name is ${quote(name)}, over the ${rule.maxLength} of ${rule.what}. ${fix}`,
      },
    ];
  }
  const syntax = rule.syntax(name);
  return syntax
    ? [{ field: "metadata.name", message: `metadata.name is ${quote(name)}, ${syntax}. ${fix}` }]
    : [];
}

function labelProblems(labels: unknown, path: string, checks: LabelChecks): FieldProblem[] {
  if (labels === null || typeof labels !== "object") return [];
  return Object.entries(labels as Record<string, unknown>).flatMap(([key, value]): FieldProblem[] => {
    const keyProblem = checks.key(key);
    if (keyProblem) {
      return [
        {
          field: `${path} key ${JSON.stringify(key)}`,
          message:
            `${path} key ${quote(key)} is not a label key: ${keyProblem}. ` +
            "Fix: use `prefix/name` with a DNS-subdomain prefix of at most 253 and a name of at most 63 characters",
        },
      ];
    }
    if (typeof value !== "string") return [];
    const field = `${path}[${JSON.stringify(key)}]`;
    const problem = checks.value(value);
    if (!problem) return [];
    return [
      "tooLong" in problem
        ? {
            field,
            message:
              `${field} is ${quote(value)}, over the ${LIMITS.labelValue} a label value may have. ` +
              "Fix: shorten the config value the label is taken from",
          }
        : {
            field,
            message:
              `${field} is ${quote(value)}, not a label value (letters, digits, '-', '_' and '.', starting and ` +
              "ending with a letter or digit). Fix: change the config value the label is taken from",
          },
    ];
  });
}

function annotationProblems(annotations: unknown, path: string, checks: LabelChecks): FieldProblem[] {
  if (annotations === null || typeof annotations !== "object") return [];
  const entries = Object.entries(annotations as Record<string, unknown>);
  const keys = entries.flatMap(([key]): FieldProblem[] => {
    const problem = checks.key(key);
    return problem
      ? [
          {
            field: `${path} key ${JSON.stringify(key)}`,
            message: `${path} key ${quote(key)} is not an annotation key: ${problem}. Fix: rename the annotation`,
          },
        ]
      : [];
  });
  const sizes = entries.map(([key, value]) => ({
    key,
    bytes: Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0),
  }));
  const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
  if (total <= LIMITS.annotationsBytes) return keys;
  return [
    ...keys,
    {
      field: path,
      message:
        `${path} hold ${total} bytes (keys and values; largest: ${largest(sizes, false)}), over the API server's ` +
        `limit of ${LIMITS.annotationsBytes} bytes (256 KiB). Fix: move large values into a ConfigMap or drop them`,
    },
  ];
}

function largest(sizes: Array<{ key: string; bytes: number }>, withBytes = true): string {
  return [...sizes]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map(({ key, bytes }) => (withBytes ? `${key} ${bytes}` : key))
    .join(", ");
}

function stringMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

const utf8 = (value: unknown) => (typeof value === "string" ? Buffer.byteLength(value) : 0);
const decoded = (value: unknown) => (typeof value === "string" ? Buffer.from(value, "base64").length : 0);

/** Per key, the bytes the server stores: for Secrets `stringData` replaces `data` of the same key. */
function dataSizes(object: KubeObject): { fields: string; sizes: Array<{ key: string; bytes: number }> } {
  if (object.kind === "Secret") {
    const sizes = new Map(
      Object.entries(stringMap(object.data)).map(([key, value]) => [key, decoded(value)]),
    );
    for (const [key, value] of Object.entries(stringMap(object.stringData))) sizes.set(key, utf8(value));
    return { fields: "data + stringData", sizes: [...sizes].map(([key, bytes]) => ({ key, bytes })) };
  }
  return {
    fields: "data + binaryData",
    sizes: [
      ...Object.entries(stringMap(object.data)).map(([key, value]) => ({ key, bytes: utf8(value) })),
      ...Object.entries(stringMap(object.binaryData)).map(([key, value]) => ({ key, bytes: decoded(value) })),
    ],
  };
}

function dataProblems(object: KubeObject): FieldProblem[] {
  if (apiGroupOf(object.apiVersion) !== "" || (object.kind !== "ConfigMap" && object.kind !== "Secret"))
    return [];
  const { fields, sizes } = dataSizes(object);
  const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
  if (total <= LIMITS.dataBytes) return [];
  return [
    {
      field: fields,
      message:
        `${fields} hold ${total} bytes (largest: ${largest(sizes)}), over the API server's limit of ` +
        `${LIMITS.dataBytes} bytes (1 MiB) per object. Fix: make the data smaller or split it across several objects`,
    },
  ];
}

function templateMetadata(object: KubeObject): Record<string, unknown> | undefined {
  const template = stringMap(stringMap(object.spec).template);
  const metadata = template.metadata;
  return metadata !== null && typeof metadata === "object"
    ? (metadata as Record<string, unknown>)
    : undefined;
}

/** Every limit one object breaks; pass one `checks` to every object of a set. */
export function objectLimitProblems(object: KubeObject, checks: LabelChecks = labelChecks()): FieldProblem[] {
  const template = templateMetadata(object);
  return [
    ...nameProblems(object),
    ...labelProblems(object.metadata.labels, "metadata.labels", checks),
    ...annotationProblems(object.metadata.annotations, "metadata.annotations", checks),
    ...(template
      ? [
          ...labelProblems(template.labels, "spec.template.metadata.labels", checks),
          ...annotationProblems(template.annotations, "spec.template.metadata.annotations", checks),
        ]
      : []),
    ...dataProblems(object),
  ];
}
