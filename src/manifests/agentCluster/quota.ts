/** ResourceQuota and LimitRange of an agent cluster, derived from the agents placed in it. */
import {
  type Agent,
  type Cluster,
  type FleetConfig,
  formatBytes,
  formatCpu,
  parseBytes,
  parseCpu,
} from "../../config/index.ts";
import { fleetLabels } from "../../contract/labels.ts";
import { GPU_RESOURCE, peakPods, podRequests } from "../agent/resources.ts";
import type { KubeObject } from "../types.ts";

export function agentsIn(cluster: Cluster, fleet: FleetConfig): Agent[] {
  return fleet.agents.filter((agent) => agent.cluster === cluster.name);
}

function sum(agents: Agent[], amount: (agent: Agent) => number): number {
  return agents.reduce((total, agent) => total + amount(agent) * peakPods(agent), 0);
}

/** Quota = the agents' peak demand (both tracks during releases), so a release never hits the quota. */
export function buildResourceQuota(cluster: Cluster, fleet: FleetConfig): KubeObject {
  const agents = agentsIn(cluster, fleet);
  const gpus = sum(agents, (agent) => agent.resources.limits.gpu);
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "agent-fleet", namespace: cluster.name, labels: fleetLabels("agent-cluster") },
    spec: {
      hard: {
        "requests.cpu": formatCpu(sum(agents, (agent) => podRequests(agent).cpuMillis)),
        "limits.cpu": formatCpu(sum(agents, (agent) => parseCpu(agent.resources.limits.cpu) ?? 0)),
        "requests.memory": formatBytes(sum(agents, (agent) => podRequests(agent).memoryBytes)),
        "limits.memory": formatBytes(sum(agents, (agent) => parseBytes(agent.resources.limits.memory) ?? 0)),
        "requests.storage": formatBytes(sum(agents, (agent) => podRequests(agent).storageBytes)),
        persistentvolumeclaims: String(sum(agents, () => 1)),
        pods: String(sum(agents, () => 1)),
        ...(gpus > 0 ? { [`requests.${GPU_RESOURCE}`]: String(gpus) } : {}),
      },
    },
  };
}

/** Defaults for containers that declare nothing, and a ceiling at the largest agent's limits. */
export function buildLimitRange(cluster: Cluster, fleet: FleetConfig): KubeObject {
  const agents = agentsIn(cluster, fleet);
  const maxCpu = Math.max(2000, ...agents.map((agent) => parseCpu(agent.resources.limits.cpu) ?? 0));
  const maxMemory = Math.max(
    4 * 2 ** 30,
    ...agents.map((agent) => parseBytes(agent.resources.limits.memory) ?? 0),
  );
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "agent-fleet", namespace: cluster.name, labels: fleetLabels("agent-cluster") },
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: "500m", memory: "512Mi" },
          defaultRequest: { cpu: "250m", memory: "409Mi" },
          max: { cpu: formatCpu(maxCpu), memory: formatBytes(maxMemory) },
        },
      ],
    },
  };
}
