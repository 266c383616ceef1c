/**
 * Container resources from config limits: requests are 50% of CPU, 80% of memory and 50% of
 * storage; GPUs cannot be overcommitted, so their request equals the limit.
 */
import { type Agent, formatBytes, formatCpu, parseBytes, parseCpu } from "../../config/index.ts";

export const REQUEST_SHARE = { cpu: 0.5, memory: 0.8, storage: 0.5 } as const;
export const GPU_RESOURCE = "nvidia.com/gpu";

/** Per-pod demand in base units: millicores, bytes, GPUs. */
export interface PodDemand {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  gpus: number;
}

export function podRequests(agent: Agent): PodDemand {
  const limits = agent.resources.limits;
  return {
    cpuMillis: Math.floor((parseCpu(limits.cpu) ?? 0) * REQUEST_SHARE.cpu),
    memoryBytes: Math.floor(((parseBytes(limits.memory) ?? 0) * REQUEST_SHARE.memory) / 2 ** 20) * 2 ** 20,
    storageBytes: Math.floor(((parseBytes(limits.storage) ?? 0) * REQUEST_SHARE.storage) / 2 ** 20) * 2 ** 20,
    gpus: limits.gpu,
  };
}

export function containerResources(agent: Agent) {
  const limits = agent.resources.limits;
  const requests = podRequests(agent);
  const gpu = limits.gpu > 0 ? { [GPU_RESOURCE]: String(limits.gpu) } : {};
  return {
    requests: { cpu: formatCpu(requests.cpuMillis), memory: formatBytes(requests.memoryBytes), ...gpu },
    limits: { cpu: limits.cpu, memory: limits.memory, ...gpu },
  };
}

/** The data volume claim: request half of the configured storage, capped at the full size. */
export function storageResources(agent: Agent) {
  return {
    requests: { storage: formatBytes(podRequests(agent).storageBytes) },
    limits: { storage: agent.resources.limits.storage },
  };
}

/**
 * Pods an agent may run at once at max replicas: releases keep both tracks up (a canary at 100%
 * or a blue-green before scale-down), rolling updates surge by one pod.
 */
export function peakPods(agent: Agent): number {
  return agent.strategy.type === "rolling" ? agent.replicas.max + 1 : agent.replicas.max * 2;
}
