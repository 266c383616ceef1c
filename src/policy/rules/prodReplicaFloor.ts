/** Production agents never scale below a floor of replicas (the HPA's and the AgentRollout's minimum). */
import type { KubeObject } from "../../manifests/types.ts";
import { environmentOf, field, podLabelsOf } from "../objects.ts";
import { integerSetting, stringListSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

/** The replica floor an object declares, and the field that declares it. */
function floorOf(object: KubeObject): { path: string; value: number } | undefined {
  const spec = object.spec;
  if (object.kind === "HorizontalPodAutoscaler") {
    const min = field(spec, "minReplicas");
    return { path: "spec.minReplicas", value: typeof min === "number" ? min : 1 };
  }
  if (object.kind === "AgentRollout") {
    const min = field(spec, "minReplicas");
    return { path: "spec.minReplicas", value: typeof min === "number" ? min : 1 };
  }
  // Workloads normally leave replicas to the HPA; one that pins a count must respect the floor too.
  const replicas = field(spec, "replicas");
  if (["Deployment", "StatefulSet"].includes(object.kind) && typeof replicas === "number") {
    return { path: "spec.replicas", value: replicas };
  }
  return undefined;
}

export const prodReplicaFloor = resourcePolicy({
  name: "prod-replica-floor",
  description:
    "In production every agent keeps at least 3 replicas (HPA minReplicas and AgentRollout minReplicas), " +
    "so a node loss or a release never leaves it without capacity. Fix: raise the agent's replicas.min.",
  scope: "resource",
  settings: {
    minReplicas: integerSetting(3, "Smallest allowed replica floor in the listed environments.", 1),
    environments: stringListSetting(["prod"], "Environments the floor applies to."),
  },
  check(object, context, settings) {
    // Agents only: fleet services such as the rollout controller size themselves (leader election).
    if (!podLabelsOf(object).agent) return [];
    const floor = floorOf(object);
    const environment = environmentOf(object, context);
    if (!floor || !settings.environments.includes(environment) || floor.value >= settings.minReplicas)
      return [];
    return [
      `${floor.path} is ${floor.value}, below the ${environment} floor of ${settings.minReplicas}: raise replicas.min to ${settings.minReplicas}`,
    ];
  },
});
