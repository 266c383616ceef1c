/**
 * Pulumi-owned HTTPRoute for `rolling` HTTP agents. Released agents get theirs from the
 * controller (it owns `spec.rules` as a whole, so Pulumi must never write it).
 */
import type { Agent, Cluster } from "../../config/index.ts";
import { agentLabels } from "../../contract/labels.ts";
import { HTTP_PORT } from "../../contract/ports.ts";
import type { KubeObject } from "../types.ts";

export function buildHttpRoute(agent: Agent, cluster: Cluster): KubeObject | undefined {
  if (!agent.route || !cluster.gateway || agent.strategy.type !== "rolling") return undefined;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: agent.id, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: {
      parentRefs: [{ name: cluster.gateway.name, namespace: cluster.gateway.namespace }],
      hostnames: agent.route.hostnames,
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: agent.route.pathPrefix } }],
          backendRefs: [{ name: agent.id, port: HTTP_PORT }],
        },
      ],
    },
  };
}
