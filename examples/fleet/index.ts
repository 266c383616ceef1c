/**
 * A platform team's own Pulumi program using agent-fleet as a library: the fleet is declared in
 * code (typed, validated like a stack file), next to this program's own config, and deployed
 * with the library's components. The cluster is expected to run a Prometheus stack already
 * (prometheus-operator, a `monitoring` namespace), so the program installs none.
 */
import * as pulumi from "@pulumi/pulumi";
import { asRunError, deployFleet, type FleetConfigInput, fleetFromInput } from "agent-fleet";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "example-agents";

const input: FleetConfigInput = {
  environment: "dev",
  resourcePool: { cpu: "8", memory: "32Gi", storage: "500Gi", gpu: 0 },
  clusters: [{ name: namespace, storageClass: "standard", encryptedStorageClass: "encrypted-standard" }],
  agents: [
    {
      id: "ingest",
      cluster: namespace,
      image: "ghcr.io/agent-fleet/ingest-agent",
      version: "1.4.2",
      replicas: { min: 1, max: 2 },
      resources: { limits: { cpu: "500m", memory: "1Gi", storage: "10Gi" } },
      strategy: { type: "canary" },
    },
    {
      id: "export",
      cluster: namespace,
      image: "ghcr.io/agent-fleet/export-agent",
      version: "0.9.0",
      protocol: "grpc",
      replicas: { min: 1, max: 2 },
      resources: { limits: { cpu: "500m", memory: "1Gi", storage: "10Gi" } },
    },
  ],
  // The cluster's existing Prometheus: its namespace and the labels it selects rules by.
  monitoring: { namespace: "monitoring", selectorLabels: { release: "kube-prometheus-stack" } },
  alerting: { receivers: { webhook: { url: "https://alerts.example.internal/hook", bearerToken: "none" } } },
};

// Errors that say everything (invalid config, a fleet that does not fit, a missing cluster
// prerequisite) are shown by Pulumi without a stack trace.
const fleet = await deployFleet({ fleet: fleetFromInput(input) }).catch((error: unknown) => {
  throw asRunError(error);
});

export const agents = fleet.agents;
export const namespaces = fleet.namespaces;
