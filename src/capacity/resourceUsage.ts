/**
 * Capacity arithmetic, once: each agent's pod requests times its peak pod count, summed per
 * resource against the pool. The render's check (`manifests/capacity.ts`, from the config) and the
 * `capacity-fits-pool` policy (from the rendered objects) both count with it; each words its own
 * message.
 */
import type { FleetConfig } from "../config/index.ts";
import { formatBytes, formatCpu, parseBytes, parseCpu } from "../config/quantity.ts";

export type Resource = "cpu" | "memory" | "storage" | "gpu";
export const RESOURCES: readonly Resource[] = ["cpu", "memory", "storage", "gpu"];

/** Millicores, bytes, bytes, GPUs. */
export type ResourceAmounts = Record<Resource, number>;

/** One agent at its peak: `pods` pods at once, each requesting `pod`. */
export interface AgentPeak {
  agent: string;
  pods: number;
  pod: ResourceAmounts;
}

export interface ResourceUsage {
  resource: Resource;
  required: number;
  available: number;
  /** Agents by their share of `required`, largest first; agents needing none are left out. */
  contributors: Array<{ agent: string; amount: number }>;
}

/** `resourcePool` in base units. */
export function poolAmounts(pool: FleetConfig["resourcePool"]): ResourceAmounts {
  return {
    cpu: parseCpu(pool.cpu) ?? 0,
    memory: parseBytes(pool.memory) ?? 0,
    storage: parseBytes(pool.storage) ?? 0,
    gpu: pool.gpu,
  };
}

/** Required against available, per resource, in the order of {@link RESOURCES}. */
export function resourceUsage(peaks: readonly AgentPeak[], pool: ResourceAmounts): ResourceUsage[] {
  return RESOURCES.map((resource) => {
    const contributors = peaks
      .map(({ agent, pods, pod }) => ({ agent, amount: pods * pod[resource] }))
      .filter(({ amount }) => amount > 0)
      .sort((a, b) => b.amount - a.amount);
    const required = contributors.reduce((sum, { amount }) => sum + amount, 0);
    return { resource, required, available: pool[resource], contributors };
  });
}

/** The resources whose requirement exceeds the pool. */
export function shortfalls(usage: readonly ResourceUsage[]): ResourceUsage[] {
  return usage.filter(({ required, available }) => required > available);
}

export function formatAmount(resource: Resource, amount: number): string {
  if (resource === "cpu") return formatCpu(amount);
  if (resource === "gpu") return String(amount);
  return formatBytes(amount);
}
