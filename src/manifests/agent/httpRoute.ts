/**
 * Pulumi-owned HTTPRoute for `rolling` HTTP agents. Released agents get theirs from the
 * controller (it owns `spec.rules` as a whole, so Pulumi must never write it).
 */
import type { Agent, Cluster } from "../../config/index.ts";
import { HTTP_ROUTE, httpRouteSpec } from "../../contract/httpRoute.ts";
import { agentLabels } from "../../contract/labels.ts";
import { HTTP_PORT } from "../../contract/ports.ts";
import type { KubeObject } from "../types.ts";

export function buildHttpRoute(agent: Agent, cluster: Cluster): KubeObject | undefined {
  if (!agent.route || !cluster.gateway || agent.strategy.type !== "rolling") return undefined;
  return {
    ...HTTP_ROUTE,
    metadata: { name: agent.id, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: httpRouteSpec({
      parentRefs: [{ name: cluster.gateway.name, namespace: cluster.gateway.namespace }],
      hostnames: agent.route.hostnames,
      pathPrefix: agent.route.pathPrefix,
      backends: [{ name: agent.id, port: HTTP_PORT }],
    }),
  };
}
