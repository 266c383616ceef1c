/**
 * What the rollout controller's objects are built from, derived from the stack config. The names,
 * namespace, pod label and metrics port are the monitoring contract (`CONTROLLER`), so the fleet's
 * PodMonitor, alerts and dashboards find the controller without further wiring.
 */
import type { FleetConfig } from "../../config/index.ts";
import { CONTROLLER, ROLLOUT_CONTROLLER } from "../../contract/controller.ts";

export interface RolloutControllerSpec {
  /** Namespace the controller runs in (its Lease lives there too). @default "agent-fleet-system" */
  namespace: string;
  /** Name of the Deployment, ServiceAccount, ClusterRole, PDB. @default "agent-fleet-controller" */
  name: string;
  /** Container image with tag or digest. */
  image: string;
  /** Agent namespaces it manages: the only namespaces it gets access to. */
  watchNamespaces: string[];
  /** Prometheus the analysis queries. */
  prometheusUrl: string;
  /** Where that Prometheus is, for the egress NetworkPolicy. */
  prometheusPeer: PrometheusPeer;
  /** Namespace of the Prometheus stack (allowed to scrape, reachable for queries). */
  monitoringNamespace: string;
  /** Replicas; one leads, the others stand by. @default 2 */
  replicas: number;
  /** @default ROLLOUT_CONTROLLER (src/contract/controller.ts) */
  leaseName: string;
  environment: string;
  /** @default "info" */
  logLevel: string;
}

/** The port a Prometheus URL is reached on and, for in-cluster Service names, its namespace. */
export interface PrometheusPeer {
  port: number;
  /** Set for `<service>.<namespace>.svc[.<cluster domain>]` hosts; otherwise the address is not knowable here. */
  namespace?: string;
}

export function prometheusPeerOf(url: string): PrometheusPeer {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
  const inCluster = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.|$)/.exec(parsed.hostname);
  return inCluster?.[1] ? { port, namespace: inCluster[1] } : { port };
}

export function rolloutControllerSpec(fleet: FleetConfig): RolloutControllerSpec {
  const version = fleet.release.controllerVersion;
  const separator = version.startsWith("sha256:") ? "@" : ":";
  // prometheus-operator's governing Service exists for any Prometheus in the namespace.
  const prometheusUrl =
    fleet.release.prometheusUrl ?? `http://prometheus-operated.${fleet.monitoring.namespace}.svc:9090`;
  return {
    namespace: CONTROLLER.namespace,
    name: CONTROLLER.name,
    image: `${fleet.release.controllerImage}${separator}${version}`,
    watchNamespaces: [...new Set(fleet.clusters.map((cluster) => cluster.name))].sort(),
    prometheusUrl,
    prometheusPeer: prometheusPeerOf(prometheusUrl),
    monitoringNamespace: fleet.monitoring.namespace,
    replicas: 2,
    leaseName: ROLLOUT_CONTROLLER,
    environment: fleet.environment,
    logLevel: "info",
  };
}

export function controllerLabels(spec: RolloutControllerSpec): Record<string, string> {
  return {
    ...CONTROLLER.podLabel,
    "app.kubernetes.io/part-of": "agent-fleet",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/component": "rollout-controller",
    environment: spec.environment,
  };
}
