/**
 * Every object of the rollout controller, as plain data. The fleet's monitoring (PodMonitor on
 * the `agent-fleet-controller` pods and `controllerAlertRules`) covers scraping and alerting.
 */
import type { KubeObject } from "../types.ts";
import { buildControllerRbac } from "./rbac.ts";
import type { RolloutControllerSpec } from "./spec.ts";
import {
  buildControllerDeployment,
  buildControllerDisruptionBudget,
  buildControllerNamespace,
  buildControllerNetworkPolicies,
} from "./workload.ts";

export { AGENT_NAMESPACE_RULES } from "./rbac.ts";
export {
  controllerLabels,
  type PrometheusPeer,
  prometheusPeerOf,
  type RolloutControllerSpec,
  rolloutControllerSpec,
} from "./spec.ts";

export function buildRolloutControllerObjects(spec: RolloutControllerSpec): KubeObject[] {
  return [
    buildControllerNamespace(spec),
    ...buildControllerRbac(spec),
    buildControllerDeployment(spec),
    buildControllerDisruptionBudget(spec),
    ...buildControllerNetworkPolicies(spec),
  ];
}
