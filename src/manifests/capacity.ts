/**
 * Capacity check before deploy: the requests of every agent at its peak pod count must fit the
 * declared resource pool, per resource. A shortfall names the gap and the agents that need most.
 */
import {
  type Agent,
  type FleetConfig,
  formatBytes,
  formatCpu,
  parseBytes,
  parseCpu,
} from "../config/index.ts";
import { type PodDemand, peakPods, podRequests } from "./agent/resources.ts";

type Resource = "cpu" | "memory" | "storage" | "gpu";
const RESOURCES: Resource[] = ["cpu", "memory", "storage", "gpu"];

export interface ResourceUsage {
  resource: Resource;
  required: number;
  available: number;
  /** Agents by their share of `required`, largest first. */
  contributors: Array<{ agent: string; amount: number }>;
}

function amountOf(demand: PodDemand, resource: Resource): number {
  return {
    cpu: demand.cpuMillis,
    memory: demand.memoryBytes,
    storage: demand.storageBytes,
    gpu: demand.gpus,
  }[resource];
}

function poolAmount(fleet: FleetConfig, resource: Resource): number {
  const pool = fleet.resourcePool;
  if (resource === "cpu") return parseCpu(pool.cpu) ?? 0;
  if (resource === "gpu") return pool.gpu;
  return parseBytes(resource === "memory" ? pool.memory : pool.storage) ?? 0;
}

export function formatAmount(resource: Resource, amount: number): string {
  if (resource === "cpu") return formatCpu(amount);
  if (resource === "gpu") return String(amount);
  return formatBytes(amount);
}

export function capacityUsage(fleet: FleetConfig): ResourceUsage[] {
  const peaks = fleet.agents.map((agent: Agent) => ({
    agent: agent.id,
    pods: peakPods(agent),
    pod: podRequests(agent),
  }));
  return RESOURCES.map((resource) => {
    const contributors = peaks
      .map(({ agent, pods, pod }) => ({ agent, amount: pods * amountOf(pod, resource) }))
      .filter(({ amount }) => amount > 0)
      .sort((a, b) => b.amount - a.amount);
    const required = contributors.reduce((sum, { amount }) => sum + amount, 0);
    return { resource, required, available: poolAmount(fleet, resource), contributors };
  });
}

export class CapacityError extends Error {
  readonly shortfalls: ResourceUsage[];
  constructor(shortfalls: ResourceUsage[]) {
    const lines = shortfalls.map(({ resource, required, available, contributors }) => {
      const top = contributors
        .slice(0, 3)
        .map(({ agent, amount }) => `${agent} ${formatAmount(resource, amount)}`)
        .join(", ");
      return `  - ${resource}: requests at max replicas need ${formatAmount(resource, required)}, the pool has ${formatAmount(resource, available)}: short by ${formatAmount(resource, required - available)} (largest: ${top})`;
    });
    super(
      `The fleet does not fit resourcePool (requests at max replicas, both tracks during releases):\n${lines.join("\n")}\n` +
        "Fix: raise agent-fleet:resourcePool, or lower replicas.max / resources.limits of the agents listed.",
    );
    this.name = "CapacityError";
    this.shortfalls = shortfalls;
  }
}

export function assertCapacity(fleet: FleetConfig): void {
  const shortfalls = capacityUsage(fleet).filter(({ required, available }) => required > available);
  if (shortfalls.length > 0) throw new CapacityError(shortfalls);
}
