/** `dataProcessing` → a ConfigMap the pod reads as `DATA_CONFIG_<KEY>` environment variables. */
import type { Agent } from "../../config/index.ts";
import { agentLabels } from "../../contract/labels.ts";
import type { KubeObject } from "../types.ts";

export function configMapName(agent: Agent): string {
  return `${agent.id}-config`;
}

/** `sourceTopic` → `DATA_CONFIG_SOURCE_TOPIC`. */
export function dataConfigEnvName(key: string): string {
  return `DATA_CONFIG_${key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

export function buildConfigMap(agent: Agent): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: configMapName(agent), namespace: agent.cluster, labels: agentLabels(agent) },
    data: Object.fromEntries(
      Object.entries(agent.dataProcessing).map(([key, value]) => [key, String(value)]),
    ),
  };
}
