/**
 * The namespaced objects one agent ends up with, named by the contract's naming functions that the
 * builders and the rollout controller use. A suffix added there is checked here (for collisions and
 * length) without a second list to keep in step.
 */
import { AGENT_ROLLOUT, TRACKS } from "../../contract/agentRollout.ts";
import { configMapName, serviceNames, trackName } from "../../contract/names.ts";
import { type Agent, isReleased } from "../resolve.ts";

export interface AgentObject {
  kind: string;
  /** API group, "" for the core group (name rules differ by kind and group). */
  group: string;
  name: string;
  /** What the object is to its agent, for messages: "preview Service", "blue-track Deployment". */
  role: string;
}

const object = (kind: string, group: string, name: string, role: string): AgentObject => ({
  kind,
  group,
  name,
  role,
});

/** Objects every agent has, whatever its strategy. */
function common(agent: Agent): AgentObject[] {
  return [
    object("ConfigMap", "", configMapName(agent), "ConfigMap"),
    object("ServiceAccount", "", agent.id, "ServiceAccount"),
    object("HorizontalPodAutoscaler", "autoscaling", agent.id, "HorizontalPodAutoscaler"),
    object("PodDisruptionBudget", "policy", agent.id, "PodDisruptionBudget"),
    ...(agent.route ? [object("HTTPRoute", "gateway.networking.k8s.io", agent.id, "HTTPRoute")] : []),
  ];
}

/** A rolling agent: one Deployment behind one Service. */
function rolling(agent: Agent): AgentObject[] {
  return [
    object("Deployment", "apps", agent.id, "Deployment"),
    object("Service", "", serviceNames(agent).active, "Service"),
  ];
}

/** A released agent: the AgentRollout, active/preview Services, and a Service and Deployment per track. */
function released(agent: Agent): AgentObject[] {
  const names = serviceNames(agent);
  return [
    object(AGENT_ROLLOUT.kind, AGENT_ROLLOUT.group, agent.id, AGENT_ROLLOUT.kind),
    object("Service", "", names.active, "active Service"),
    object("Service", "", names.preview, "preview Service"),
    ...TRACKS.flatMap((track) => [
      object("Service", "", names[track], `${track}-track Service`),
      object("Deployment", "apps", trackName(agent.id, track), `${track}-track Deployment`),
    ]),
  ];
}

export function agentObjects(agent: Agent): AgentObject[] {
  return [...common(agent), ...(isReleased(agent) ? released(agent) : rolling(agent))];
}
