/**
 * Which part of the stack config produced each rendered object, for messages that must say what
 * to change (`agents[2] (ingest)`, `clusters[0] (data-processing)`, `monitoring`).
 */
import type { FleetConfig } from "../config/index.ts";
import type { KubeObject } from "./types.ts";

export interface RenderedParts {
  crds: KubeObject[];
  autoscaling: KubeObject[];
  clusters: Record<string, KubeObject[]>;
  agents: Record<string, KubeObject[]>;
  controller: KubeObject[];
  monitoring: KubeObject[];
  alerting: KubeObject[];
}

export function originsOf(fleet: FleetConfig, parts: RenderedParts): Map<KubeObject, string> {
  const origins = new Map<KubeObject, string>();
  const mark = (objects: readonly KubeObject[] | undefined, origin: string) => {
    for (const object of objects ?? []) origins.set(object, origin);
  };
  mark(parts.crds, "the AgentRollout CRD (built in)");
  mark(parts.autoscaling, "autoscaling");
  fleet.clusters.forEach((cluster, index) => {
    mark(parts.clusters[cluster.name], `clusters[${index}] (${cluster.name})`);
  });
  fleet.agents.forEach((agent, index) => {
    mark(parts.agents[agent.id], `agents[${index}] (${agent.id})`);
  });
  mark(parts.controller, "release (the rollout controller)");
  mark(parts.monitoring, "monitoring");
  mark(parts.alerting, "alerting");
  return origins;
}
