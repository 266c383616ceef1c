/** Labels of an agent's objects and pods (app.kubernetes.io/* plus agent, environment, version, track). */
import type { Agent } from "../../config/index.ts";
import { fleetLabels } from "../labels.ts";

/** Label values allow 63 chars of [A-Za-z0-9_.-]; digests become `sha256-<first 12 hex>`. */
export function versionLabel(version: string): string {
  return version.startsWith("sha256:") ? `sha256-${version.slice(7, 19)}` : version.slice(0, 63);
}

/** Selects every pod of an agent, whatever its track. */
export function agentSelector(agent: Agent): Record<string, string> {
  return { agent: agent.id };
}

export function agentLabels(agent: Agent): Record<string, string> {
  const compliance = Object.fromEntries(
    agent.complianceTags.map((tag) => [`compliance.agentfleet.dev/${tag}`, "true"]),
  );
  return {
    ...fleetLabels("agent"),
    "app.kubernetes.io/name": agent.id,
    "app.kubernetes.io/instance": agent.id,
    "app.kubernetes.io/version": versionLabel(agent.version),
    agent: agent.id,
    environment: agent.environment,
    version: versionLabel(agent.version),
    ...compliance,
  };
}

/** Rolling agents have one track; releases get `blue`/`green`, which the controller sets. */
export const ROLLING_TRACK = "stable";
