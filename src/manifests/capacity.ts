/**
 * Capacity check before deploy: the requests of every agent at its peak pod count must fit the
 * declared resource pool, per resource. A shortfall names the gap and the agents that need most.
 */
import {
  formatAmount,
  poolAmounts,
  type ResourceUsage,
  resourceUsage,
  shortfalls,
} from "../capacity/resourceUsage.ts";
import type { FleetConfig } from "../config/index.ts";
import { peakPods, podRequests } from "./agent/resources.ts";

export function capacityUsage(fleet: FleetConfig): ResourceUsage[] {
  const peaks = fleet.agents.map((agent) => {
    const demand = podRequests(agent);
    return {
      agent: agent.id,
      pods: peakPods(agent),
      pod: {
        cpu: demand.cpuMillis,
        memory: demand.memoryBytes,
        storage: demand.storageBytes,
        gpu: demand.gpus,
      },
    };
  });
  return resourceUsage(peaks, poolAmounts(fleet.resourcePool));
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
  const short = shortfalls(capacityUsage(fleet));
  if (short.length > 0) throw new CapacityError(short);
}
