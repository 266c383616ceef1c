import type { Cluster, FleetConfig } from "../../config/index.ts";
import { fleetLabels } from "../../contract/labels.ts";
import type { KubeObject } from "../types.ts";

/** One Namespace per agent cluster, enforcing the `restricted` Pod Security Standard. */
export function buildNamespace(cluster: Cluster, fleet: FleetConfig): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: cluster.name,
      labels: {
        ...fleetLabels("agent-cluster"),
        environment: fleet.environment,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
}
