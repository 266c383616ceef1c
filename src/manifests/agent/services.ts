/**
 * Services of an agent. Rolling agents get one Service over all pods. Released agents get the
 * active `<agent>` and `<agent>-preview`, plus `<agent>-blue` / `<agent>-green` with fixed
 * selectors as weighted route backends.
 *
 * The active and preview Services are rendered WITHOUT a selector: `spec.selector` is one atomic
 * field under server-side apply, and the controller switches it between tracks, so it can have
 * only one owner. Had Pulumi (or `kubectl apply --server-side` of the render) kept a selector,
 * every apply after the controller's switch would conflict, or, forced, undo the switch. The
 * controller applies the whole selector (agent labels + `track`) with its own field manager.
 */
import type { Agent } from "../../config/index.ts";
import { isReleased } from "../../config/index.ts";
import { agentLabels, agentSelector } from "../../contract/labels.ts";
import { serviceNames } from "../../contract/names.ts";
import { AGENT_PORTS } from "../../contract/ports.ts";
import type { KubeObject } from "../types.ts";

/**
 * The selector key the rollout controller moves between tracks. The controller owns the whole
 * selector of the Services in `controllerSelectedServices`; Pulumi renders none there.
 */
export const CONTROLLER_OWNED_SELECTOR = "track";

function service(
  agent: Agent,
  name: string,
  selector: Record<string, string> | undefined,
  external = false,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: {
      type: external ? "LoadBalancer" : "ClusterIP",
      ...(selector ? { selector } : {}),
      ports: AGENT_PORTS.map((port) => ({
        name: port.name,
        port: port.containerPort,
        targetPort: port.name,
        protocol: port.protocol,
      })),
    },
  };
}

/** Services whose selector the rollout controller owns: the active and preview ones of a released agent. */
export function controllerSelectedServices(agent: Agent): string[] {
  if (!isReleased(agent)) return [];
  const names = serviceNames(agent);
  return [names.active, names.preview];
}

export function buildServices(agent: Agent): KubeObject[] {
  const names = serviceNames(agent);
  const selector = agentSelector(agent);
  if (!isReleased(agent)) return [service(agent, names.active, selector, agent.externalAccess)];
  return [
    service(agent, names.active, undefined, agent.externalAccess),
    service(agent, names.preview, undefined),
    service(agent, names.blue, { ...selector, track: "blue" }),
    service(agent, names.green, { ...selector, track: "green" }),
  ];
}
