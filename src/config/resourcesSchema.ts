/**
 * Resource settings of the fleet schema: the cluster pool the fleet may use and the per-agent
 * container limits, with the floors below which no agent pod can run.
 */
import { z } from "zod";
import { byteQuantity, cpuQuantity, nonNegativeInt } from "./primitives.ts";
import { parseBytes, parseCpu } from "./quantity.ts";

/**
 * The smallest limits an agent container can run with. Requests are derived from the limits (50%
 * CPU, 80% memory, 50% storage, each rounded down), so each floor also keeps its request above 0.
 */
export const LIMIT_FLOORS = {
  /** The CFS quota cannot go below 1ms per 100ms period: kubelet raises any lower CPU limit to 10m. */
  cpuMillis: 10,
  /** Container runtimes refuse smaller memory limits (CRI-O under 12Mi, Docker under 6Mi). */
  memoryBytes: 16 * 2 ** 20,
  /** The data claim requests 50% in whole MiB, and the API server rejects a claim of 0. */
  storageBytes: 2 * 2 ** 20,
} as const;

/** A quantity at least `floor`; text that is no quantity at all is left to the quantity's own message. */
function atLeast<T extends z.ZodType<string>>(
  schema: T,
  parse: (text: string) => number | undefined,
  floor: number,
  message: string,
) {
  return schema.refine((value) => (parse(value) ?? floor) >= floor, { error: message });
}

const cpuLimit = atLeast(
  cpuQuantity,
  parseCpu,
  LIMIT_FLOORS.cpuMillis,
  "is below 10m, the smallest CPU limit the kernel enforces (a CFS quota of 1ms per 100ms period; " +
    "kubelet raises anything lower to 10m): use at least 10m",
);
const memoryLimit = atLeast(
  byteQuantity,
  parseBytes,
  LIMIT_FLOORS.memoryBytes,
  "is below 16Mi: the container is OOM-killed while starting, and container runtimes refuse such " +
    "limits (CRI-O below 12Mi, Docker below 6Mi): use at least 16Mi",
);
const storageLimit = atLeast(
  byteQuantity,
  parseBytes,
  LIMIT_FLOORS.storageBytes,
  "is below 2Mi: the data volume claim requests 50% of it in whole MiB, and the API server rejects " +
    "a claim of 0: use at least 2Mi",
);

/** Total schedulable capacity of the target cluster that the fleet may use. */
export const resourcePoolSchema = z.strictObject({
  cpu: cpuQuantity,
  memory: byteQuantity,
  storage: byteQuantity,
  /** @default 0 */
  gpu: nonNegativeInt.default(0),
});

/** Container limits; requests are derived (50% CPU, 80% memory, 50% storage, GPU = limit). */
export const resourceLimitsSchema = z.strictObject({
  /** At least 10m. @default "2" */
  cpu: cpuLimit.default("2"),
  /** At least 16Mi. @default "4Gi" */
  memory: memoryLimit.default("4Gi"),
  /** Scratch/data volume size per pod, at least 2Mi. @default "100Gi" */
  storage: storageLimit.default("100Gi"),
  /** `nvidia.com/gpu` count. @default 0 */
  gpu: nonNegativeInt.default(0),
});

export type ResourcePool = z.output<typeof resourcePoolSchema>;
export type ResourceLimits = z.output<typeof resourceLimitsSchema>;
