/** Every object of one agent cluster (namespace). */
import type { Cluster, FleetConfig } from "../../config/index.ts";
import type { KubeObject } from "../types.ts";
import { buildNamespace } from "./namespace.ts";
import { buildNetworkPolicies } from "./networkPolicies.ts";
import { buildLimitRange, buildResourceQuota } from "./quota.ts";
import { buildRbac } from "./rbac.ts";

export function buildClusterObjects(cluster: Cluster, fleet: FleetConfig): KubeObject[] {
  return [
    buildNamespace(cluster, fleet),
    buildResourceQuota(cluster, fleet),
    buildLimitRange(cluster, fleet),
    ...buildNetworkPolicies(cluster, fleet),
    ...buildRbac(cluster, fleet),
  ];
}
