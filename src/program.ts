/**
 * The Pulumi program body: load and validate the stack config, render it, check the target
 * cluster (the preflight), and only then register the objects through the fleet's components.
 * `src/index.ts` runs {@link deployFleet} and exports the outputs; tests call it (or
 * {@link defineFleet}, which skips the preflight) under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { Agent } from "./components/agent/index.ts";
import { AgentCluster } from "./components/agentCluster/index.ts";
import { defineRolloutController } from "./components/controller/index.ts";
import { registerObject } from "./components/kubeObject.ts";
import { defineMonitoring } from "./components/monitoring/index.ts";
import { type FleetConfig, FleetConfigError } from "./config/index.ts";
import { loadFleetFromPulumi } from "./config/pulumiConfig.ts";
import { CapacityError } from "./manifests/capacity.ts";
import { renderFleet } from "./manifests/fleet.ts";
import { ObjectInvariantError } from "./manifests/invariants/index.ts";
import type { RenderedFleet } from "./manifests/types.ts";
import { type ClusterReader, PreflightError, type PreflightLog, runPreflight } from "./preflight/index.ts";

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

export interface DeployOptions {
  /** @default the stack's config (`loadFleetFromPulumi`) */
  fleet?: FleetConfig;
  /** The cluster the preflight reads. @default the kubeconfig the kubernetes provider uses */
  cluster?: () => ClusterReader;
  /** @default `pulumi.runtime.isDryRun()` (true under `pulumi preview`) */
  dryRun?: boolean;
  /** @default `pulumi.log` */
  log?: PreflightLog;
}

/**
 * The whole program. Everything that can fail on config or cluster fails here, before the first
 * resource is registered: config errors and missing prod secrets (loading), capacity and objects
 * the API server would reject (render), missing cluster prerequisites (preflight).
 */
export async function deployFleet(options: DeployOptions = {}): Promise<FleetOutputs> {
  const fleet = options.fleet ?? loadFleetFromPulumi();
  const rendered = renderFleet(fleet);
  await runPreflight(fleet, rendered, {
    cluster: options.cluster ?? providerCluster,
    dryRun: options.dryRun ?? pulumi.runtime.isDryRun(),
    stack: pulumi.getStack(),
    log: options.log ?? {
      info: (message) => pulumi.log.info(message),
      warn: (message) => pulumi.log.warn(message),
    },
  });
  return defineFleet(fleet, rendered);
}

/** The cluster the kubernetes provider deploys to; the client is loaded only when the preflight runs. */
async function providerCluster(): Promise<ClusterReader> {
  const { clusterReaderFor, providerKubeconfigFrom } = await import("./preflight/kubeClusterReader.ts");
  return clusterReaderFor(providerKubeconfigFrom(pulumi.runtime.allConfig()));
}

/** Errors whose message says everything: shown by Pulumi without a stack trace. */
export function asRunError(error: unknown): unknown {
  const known =
    error instanceof FleetConfigError ||
    error instanceof CapacityError ||
    error instanceof ObjectInvariantError ||
    error instanceof PreflightError;
  return known ? new pulumi.RunError((error as Error).message) : error;
}

/** Registers the rendered fleet (no preflight: {@link deployFleet} runs it first). */
export function defineFleet(
  fleet: FleetConfig = loadFleetFromPulumi(),
  // Rendering validates capacity: a fleet that cannot fit fails here, before any resource exists.
  rendered: RenderedFleet = renderFleet(fleet),
): FleetOutputs {
  const [crdObject] = rendered.crds;
  if (!crdObject) throw new Error("render produced no AgentRollout CRD");
  const crd = registerObject(crdObject, {});
  const clusters = new Map(
    fleet.clusters.map((cluster) => [
      cluster.name,
      new AgentCluster(cluster.name, { cluster, objects: rendered.clusters[cluster.name] ?? [] }),
    ]),
  );
  const agents = fleet.agents.map((agent) => {
    const cluster = clusters.get(agent.cluster);
    const clusterConfig = fleet.clusters.find((candidate) => candidate.name === agent.cluster);
    if (!cluster || !clusterConfig) throw new Error(`agent ${agent.id}: no AgentCluster ${agent.cluster}`);
    return new Agent(agent.id, {
      agent,
      objects: rendered.agents[agent.id] ?? [],
      namespace: cluster.namespaceResource,
      agentRolloutCrd: crd,
      awaitLoadBalancerAddress: clusterConfig.loadBalancer.awaitAddress,
    });
  });
  const agentNamespaces = [...clusters.values()].map((cluster) => cluster.namespaceResource);
  const controller = defineRolloutController(fleet, crd, { agentNamespaces, objects: rendered.controller });
  const { monitoring, alerting } = defineMonitoring(rendered, {
    namespaces: [...agentNamespaces, controller.namespaceResource],
    webhookBearerToken: fleet.alerting.receivers.webhook?.bearerToken,
  });
  // The prometheus-adapter rules live in the monitoring namespace: with an own Prometheus, the
  // program creates that namespace (in Monitoring) and these must wait for it.
  const monitoringNamespace = monitoring.namespaceResource ? [monitoring.namespaceResource] : [];
  const fleetWide = rendered.autoscaling.map((object) =>
    registerObject(object, { dependsOn: monitoringNamespace }),
  );
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
