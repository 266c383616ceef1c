/**
 * Every object of the rollout controller, as plain data. The fleet's monitoring (PodMonitor on
 * the `agent-fleet-controller` pods and `controllerAlertRules`) covers scraping and alerting;
 * `buildRolloutControllerMonitoring` renders the same for stacks that deploy the controller alone.
 */
import type { FleetConfig } from "../../config/index.ts";
import { controllerAlertRules } from "../monitoring/controllerAlerts.ts";
import { buildControllerPodMonitor } from "../monitoring/podMonitors.ts";
import { withRunbooks } from "../monitoring/runbooks.ts";
import type { KubeObject } from "../types.ts";
import { buildControllerRbac } from "./rbac.ts";
import { controllerLabels, type RolloutControllerSpec } from "./spec.ts";
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

/** PodMonitor and PrometheusRule for the controller (stuck or failing controller, stuck releases). */
export function buildRolloutControllerMonitoring(
  fleet: FleetConfig,
  spec: RolloutControllerSpec,
): KubeObject[] {
  const [group] = withRunbooks([controllerAlertRules(fleet)], fleet.monitoring.runbookBaseUrl);
  return [
    buildControllerPodMonitor(fleet),
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: {
        name: `${spec.name}-alerts`,
        namespace: spec.namespace,
        labels: { ...controllerLabels(spec), ...fleet.monitoring.selectorLabels },
      },
      spec: { groups: group ? [group] : [] },
    },
  ];
}
