/**
 * The whole stack as plain objects: the one source the Pulumi components, the offline render,
 * the policy checks and the sandbox all read.
 */
import type { FleetConfig } from "../config/index.ts";
import { buildAgentObjects } from "./agent/index.ts";
import { buildClusterObjects } from "./agentCluster/index.ts";
import { buildAgentRolloutCrd } from "./agentRolloutCrd.ts";
import { buildAdapterRulesConfigMap } from "./autoscaling/adapterRules.ts";
import { assertCapacity } from "./capacity.ts";
import { buildRolloutControllerObjects } from "./controller/index.ts";
import { rolloutControllerSpec } from "./controller/spec.ts";
import { assertObjectSet } from "./invariants/index.ts";
import { renderMonitoring } from "./monitoring/index.ts";
import { originsOf } from "./origins.ts";
import { type RenderedFleet, sortObjects } from "./types.ts";

export function renderFleet(fleet: FleetConfig): RenderedFleet {
  // Fail before anything exists when the fleet cannot fit the cluster at max replicas.
  assertCapacity(fleet);
  const crds = [buildAgentRolloutCrd()];
  const autoscaling = [buildAdapterRulesConfigMap(fleet)];
  const clusters = Object.fromEntries(
    fleet.clusters.map((cluster) => [cluster.name, buildClusterObjects(cluster, fleet)]),
  );
  const agents = Object.fromEntries(fleet.agents.map((agent) => [agent.id, buildAgentObjects(agent, fleet)]));
  const monitoring = renderMonitoring(fleet);
  // Registered as they are by the RolloutController component.
  const controller = buildRolloutControllerObjects(rolloutControllerSpec(fleet));
  const objects = sortObjects([
    ...crds,
    ...autoscaling,
    ...Object.values(clusters).flat(),
    ...Object.values(agents).flat(),
    ...controller,
    ...monitoring.monitoringObjects,
    ...monitoring.alertingObjects,
  ]);
  // Last line of defence, before anything is written or registered: duplicate identities and
  // objects the API server would reject, named with the config that produced them.
  const parts = {
    crds,
    autoscaling,
    clusters,
    agents,
    controller,
    monitoring: monitoring.monitoringObjects,
    alerting: monitoring.alertingObjects,
  };
  const origins = originsOf(fleet, parts);
  assertObjectSet(objects, (object) => origins.get(object));
  return {
    objects,
    ...parts,
    prometheusRules: monitoring.ruleFile,
    alertmanagerConfig: monitoring.alertmanagerConfig,
    dashboards: monitoring.dashboards,
  };
}
