/** `dataProcessing` → a ConfigMap the pod reads as `DATA_CONFIG_<KEY>` environment variables. */
import type { Agent } from "../../config/index.ts";
import { agentLabels } from "../../contract/labels.ts";
import { configMapName } from "../../contract/names.ts";
import type { KubeObject } from "../types.ts";

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
