/** Every object of one agent. */
import { type Agent, type FleetConfig, isReleased } from "../../config/index.ts";
import { buildHpa } from "../autoscaling/hpa.ts";
import type { KubeObject } from "../types.ts";
import { buildConfigMap } from "./configMap.ts";
import { buildPdb } from "./disruption.ts";
import { buildHttpRoute } from "./httpRoute.ts";
import { buildServices } from "./services.ts";
import { buildAgentRollout, buildDeployment } from "./workload.ts";

export function buildAgentObjects(agent: Agent, fleet: FleetConfig): KubeObject[] {
  const cluster = fleet.clusters.find((candidate) => candidate.name === agent.cluster);
  // The config cross-checks guarantee this; a direct caller with hand-made config gets a clear error.
  if (!cluster) throw new Error(`agent ${agent.id}: cluster "${agent.cluster}" is not declared`);
  const route = buildHttpRoute(agent, cluster);
  return [
    buildConfigMap(agent),
    isReleased(agent)
      ? buildAgentRollout(agent, cluster, fleet.monitoring.scrapeInterval)
      : buildDeployment(agent, cluster),
    ...buildServices(agent),
    buildHpa(agent, fleet.autoscaling),
    buildPdb(agent),
    ...(route ? [route] : []),
  ];
}
