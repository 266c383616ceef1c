/**
 * Names of an agent's objects, derived from its id. The renderer creates them, the controller
 * creates or addresses the track objects, and the config cross-checks predict them to find
 * collisions before anything renders.
 */
import type { Track } from "./agentRollout.ts";

/** A track's Deployment (created by the controller) and Service: `<agent>-blue`, `<agent>-green`. */
export function trackName(agent: string, track: Track): string {
  return `${agent}-${track}`;
}

/** An agent's Services: the active one carries the agent's own name. */
export function serviceNames(agent: { id: string }) {
  return {
    active: agent.id,
    preview: `${agent.id}-preview`,
    blue: trackName(agent.id, "blue"),
    green: trackName(agent.id, "green"),
  };
}

/** The ConfigMap an agent's `dataProcessing` settings are rendered into. */
export function configMapName(agent: { id: string }): string {
  return `${agent.id}-config`;
}

/** `sourceTopic` → `DATA_CONFIG_SOURCE_TOPIC`: how a `dataProcessing` key reaches the pod. */
export function dataConfigEnvName(key: string): string {
  return `DATA_CONFIG_${key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}
