/**
 * The Pulumi program body: load and validate the stack config, register every rendered object,
 * and return the stack outputs. `src/index.ts` exports these; tests call it under mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { registerObject } from "./components/kubeObject.ts";
import type { FleetConfig } from "./config/index.ts";
import { loadFleetFromPulumi } from "./config/pulumiConfig.ts";
import { renderFleet } from "./manifests/fleet.ts";

export interface FleetOutputs {
  environment: string;
  namespaces: string[];
  agents: Array<{ id: string; cluster: string; version: string; strategy: string }>;
  resources: pulumi.Resource[];
}

export function defineFleet(fleet: FleetConfig = loadFleetFromPulumi()): FleetOutputs {
  const rendered = renderFleet(fleet);
  const resources = rendered.objects.map((object) => registerObject(object, {}));
  return {
    environment: fleet.environment,
    namespaces: fleet.clusters.map((cluster) => cluster.name),
    agents: fleet.agents.map((agent) => ({
      id: agent.id,
      cluster: agent.cluster,
      version: agent.version,
      strategy: agent.strategy.type,
    })),
    resources,
  };
}
