/** PodDisruptionBudget over all pods of an agent (both tracks): voluntary evictions one pod at a time. */
import type { Agent } from "../../config/index.ts";
import { agentLabels, agentSelector } from "../../contract/labels.ts";
import type { KubeObject } from "../types.ts";

export function buildPdb(agent: Agent): KubeObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: agent.id, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: {
      // With a single replica, minAvailable would block node drains forever; maxUnavailable never does.
      maxUnavailable: 1,
      selector: { matchLabels: agentSelector(agent) },
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    },
  };
}
