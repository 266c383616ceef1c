/**
 * The Pulumi program body: load and validate the stack config, render it, and register the
 * objects through the fleet's components. `src/index.ts` exports the outputs; tests call this
 * under mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Agent } from "./components/agent.ts";
import { AgentCluster } from "./components/agentCluster.ts";
import { defineRolloutController } from "./components/controller/rolloutController.ts";
import { registerObject } from "./components/kubeObject.ts";
import { defineMonitoring } from "./components/monitoring/index.ts";
import type { FleetConfig } from "./config/index.ts";
import { loadFleetFromPulumi } from "./config/pulumiConfig.ts";
import { renderFleet } from "./manifests/fleet.ts";

export interface FleetOutputs {
  environment: string;
  namespaces: string[];
  agents: Array<{
    id: string;
    cluster: string;
    version: string;
    strategy: string;
    serviceDns: pulumi.Output<string>;
  }>;
  /** Top-level resources (components and fleet-wide objects). */
  resources: pulumi.Resource[];
}

export function defineFleet(fleet: FleetConfig = loadFleetFromPulumi()): FleetOutputs {
  // Rendering validates capacity: a fleet that cannot fit fails here, before any resource exists.
  const rendered = renderFleet(fleet);
  const [crdObject] = rendered.crds;
  if (!crdObject) throw new Error("render produced no AgentRollout CRD");
  const crd = registerObject(crdObject, {});
  const fleetWide = rendered.autoscaling.map((object) => registerObject(object, {}));
  const clusters = new Map(
    fleet.clusters.map((cluster) => [
      cluster.name,
      new AgentCluster(cluster.name, { cluster, objects: rendered.clusters[cluster.name] ?? [] }),
    ]),
  );
  const agents = fleet.agents.map((agent) => {
    const cluster = clusters.get(agent.cluster);
    if (!cluster) throw new Error(`agent ${agent.id}: no AgentCluster ${agent.cluster}`);
    return new Agent(agent.id, {
      agent,
      objects: rendered.agents[agent.id] ?? [],
      namespace: cluster.namespaceResource,
      agentRolloutCrd: crd,
    });
  });
  const agentNamespaces = [...clusters.values()].map((cluster) => cluster.namespaceResource);
  const controller = defineRolloutController(fleet, crd, { agentNamespaces, objects: rendered.controller });
  const { monitoring, alerting } = defineMonitoring(rendered, {
    namespaces: [...agentNamespaces, controller.namespaceResource],
    webhookBearerToken: fleet.alerting.receivers.webhook?.bearerToken,
  });
  return {
    environment: fleet.environment,
    namespaces: fleet.clusters.map((cluster) => cluster.name),
    agents: fleet.agents.map((agent, index) => ({
      id: agent.id,
      cluster: agent.cluster,
      version: agent.version,
      strategy: agent.strategy.type,
      serviceDns: (agents[index] as Agent).serviceDns,
    })),
    resources: [crd, ...fleetWide, ...clusters.values(), ...agents, controller, monitoring, alerting],
  };
}
