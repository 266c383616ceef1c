/** Every policy of the fleet, in report order: the pack registers exactly these, the offline run evaluates them. */
import { agentAlerts } from "./rules/agentAlerts.ts";
import { agentDisruptionBudget } from "./rules/agentDisruptionBudget.ts";
import { agentScrapeConfig } from "./rules/agentScrapeConfig.ts";
import { alertRunbooks } from "./rules/alertRunbooks.ts";
import { alertsReachReceiver } from "./rules/alertsReachReceiver.ts";
import { canaryRelease } from "./rules/canaryRelease.ts";
import { capacityFitsPool } from "./rules/capacityFitsPool.ts";
import { healthProbes } from "./rules/healthProbes.ts";
import { hpaBounds } from "./rules/hpaBounds.ts";
import { imagePinned } from "./rules/imagePinned.ts";
import { loadBalancerExposure } from "./rules/loadBalancerExposure.ts";
import { namespaceNetworkPolicy } from "./rules/namespaceNetworkPolicy.ts";
import { noPrivilegedPods } from "./rules/noPrivilegedPods.ts";
import { objectIdentityAndLimits } from "./rules/objectIdentityAndLimits.ts";
import { prodReplicaFloor } from "./rules/prodReplicaFloor.ts";
import { rbacLeastPrivilege } from "./rules/rbacLeastPrivilege.ts";
import { regulatedDataProtection } from "./rules/regulatedDataProtection.ts";
import { resourceRequestsLimits } from "./rules/resourceRequestsLimits.ts";
import { restrictedSecurityContext } from "./rules/restrictedSecurityContext.ts";
import { uniqueIdsAndPorts } from "./rules/uniqueIdsAndPorts.ts";
import type { PolicyDefinition } from "./types.ts";

export const POLICIES: readonly PolicyDefinition[] = [
  // Pod security
  noPrivilegedPods,
  restrictedSecurityContext,
  resourceRequestsLimits,
  healthProbes,
  imagePinned,
  // Exposure and compliance
  loadBalancerExposure,
  regulatedDataProtection,
  namespaceNetworkPolicy,
  rbacLeastPrivilege,
  // Availability and releases
  prodReplicaFloor,
  hpaBounds,
  canaryRelease,
  agentDisruptionBudget,
  // Observability
  agentScrapeConfig,
  agentAlerts,
  alertRunbooks,
  alertsReachReceiver,
  // Fleet-wide
  capacityFitsPool,
  uniqueIdsAndPorts,
  objectIdentityAndLimits,
];

export const POLICY_NAMES: readonly string[] = POLICIES.map((policy) => policy.name);
