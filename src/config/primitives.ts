/**
 * Reusable zod field types for the stack config. Messages are phrased as a predicate on the bad
 * value ("is not a CPU quantity …") because the formatter prints `path: <value> <message>`.
 */
import { z } from "zod";
import { type Duration, parseBytes, parseCpu, parseDuration } from "./quantity.ts";

/** DNS-1123 label: namespaces, cluster names. */
export const dnsLabel = z
  .string()
  .max(63, { error: "is longer than 63 characters (a DNS-1123 label)" })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    error: "is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric)",
  });

/**
 * Agent ids name Services (DNS-1035: must start with a letter) and get suffixes such as
 * `-preview` and `-green`, so they are capped at 40 characters to keep every derived name legal.
 */
export const agentId = z
  .string()
  .max(40, { error: "is longer than 40 characters (agent ids get suffixes like -preview; keep ≤ 40)" })
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
    error:
      "is not a valid agent id (DNS-1035 label: lower-case letters, digits and '-', starting with a letter)",
  });

function quantity(parse: (text: string) => number | undefined, message: string) {
  return z
    .union([z.string(), z.number()], { error: message })
    .transform((value) => String(value))
    .refine((value) => parse(value) !== undefined && (parse(value) ?? 0) >= 0, { error: message });
}

export const cpuQuantity = quantity(parseCpu, "is not a CPU quantity (examples: 2, 500m, 0.25)");
export const byteQuantity = quantity(parseBytes, "is not a byte quantity (examples: 512Mi, 4Gi, 100Gi, 1T)");

const NOT_A_DURATION = "is not a duration (examples: 30s, 5m, 1h30m)";

export const duration = z
  .string({ error: (issue) => bareNumberHint(issue.input) ?? NOT_A_DURATION })
  .refine((value) => parseDuration(value) !== undefined, { error: NOT_A_DURATION })
  .transform((value) => value as Duration);

/** A duration field with a default (written as the user would write it). */
export const durationWithDefault = (text: string): z.ZodDefault<typeof duration> =>
  duration.default(text as Duration);

/**
 * `pause: 600` is a number to YAML, and a duration needs its unit; the seconds reading is the
 * likely one, so it is offered as written and in the largest whole unit.
 */
function bareNumberHint(input: unknown): string | undefined {
  if (typeof input !== "number" || !Number.isInteger(input) || input <= 0) return undefined;
  const larger = input % 3600 === 0 ? `${input / 3600}h` : input % 60 === 0 ? `${input / 60}m` : undefined;
  return `is a number without a unit: write ${input}s${larger ? ` or ${larger}` : ""}`;
}

export const ratio = z
  .number({ error: "is not a number between 0 and 1 (example: 0.95)" })
  .min(0, { error: "is below 0 (a ratio is between 0 and 1)" })
  .max(1, { error: "is above 1 (a ratio is between 0 and 1)" });

export const percent = z
  .number({ error: "is not a percentage (1-100)" })
  .int({ error: "is not a whole percentage" })
  .min(1, { error: "is below 1 (a percentage is 1-100)" })
  .max(100, { error: "is above 100 (a percentage is 1-100)" });

export const positiveInt = z
  .number({ error: "is not a positive whole number" })
  .int({ error: "is not a whole number" })
  .positive({ error: "is not positive" });

export const nonNegativeInt = z
  .number({ error: "is not a whole number ≥ 0" })
  .int({ error: "is not a whole number" })
  .min(0, { error: "is negative" });

/**
 * Container image repository without tag or digest (the version is a separate field). A registry
 * port is only a port when a path follows (`localhost:5000/agent`); `ingest-agent:142` is a tag.
 */
export const imageRepository = z
  .string()
  .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+(?=\/))?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
    error:
      "is not an image repository without tag (example: ghcr.io/acme/ingest-agent; put the tag in `version`)",
  });

/** Image tag or digest; `latest` is accepted here and rejected by policy, where prod can demand digests. */
export const imageVersion = z.string().regex(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/, {
  error: "is not an image tag or digest (examples: 1.4.2, sha256:<64 hex>)",
});

export const labelValue = z
  .string()
  .max(63)
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, { error: "is not a valid Kubernetes label value" });

export const labelMap = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
    error: "is not a valid Kubernetes label key",
  }),
  labelValue,
);

export const url = z.url({ error: "is not a URL (example: https://hooks.example.com/alerts)" });

export const cidr = z.union([z.cidrv4(), z.cidrv6()], {
  error: "is not a CIDR block (example: 10.20.0.0/16)",
});
