/**
 * Services of an agent. Rolling agents get one Service over all pods. Released agents get the
 * active `<agent>` and `<agent>-preview` (whose `track` selector the controller owns), plus
 * `<agent>-blue` / `<agent>-green` with fixed selectors as weighted route backends.
 */
import type { Agent } from "../../config/index.ts";
import { AGENT_PORTS } from "../ports.ts";
import type { KubeObject } from "../types.ts";
import { agentLabels, agentSelector } from "./labels.ts";

/** Selector keys the rollout controller writes; Pulumi leaves them alone (ignoreChanges). */
export const CONTROLLER_OWNED_SELECTOR = "track";

export function isReleased(agent: Agent): boolean {
  return agent.strategy.type !== "rolling";
}

function service(agent: Agent, name: string, selector: Record<string, string>, external = false): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: {
      type: external ? "LoadBalancer" : "ClusterIP",
      selector,
      ports: AGENT_PORTS.map((port) => ({
        name: port.name,
        port: port.containerPort,
        targetPort: port.name,
        protocol: port.protocol,
      })),
    },
  };
}

export function serviceNames(agent: Agent) {
  return {
    active: agent.id,
    preview: `${agent.id}-preview`,
    blue: `${agent.id}-blue`,
    green: `${agent.id}-green`,
  };
}

export function buildServices(agent: Agent): KubeObject[] {
  const names = serviceNames(agent);
  const selector = agentSelector(agent);
  const active = service(agent, names.active, selector, agent.externalAccess);
  if (!isReleased(agent)) return [active];
  return [
    active,
    service(agent, names.preview, selector),
    service(agent, names.blue, { ...selector, track: "blue" }),
    service(agent, names.green, { ...selector, track: "green" }),
  ];
}
