/**
 * Label and annotation keys the rendered objects, the controller, the policies and the monitoring
 * stack select on, and the label sets built from them (app.kubernetes.io/* plus the fleet's own).
 */
export const PART_OF = "agent-fleet";
export const MANAGED_BY = "pulumi";

/** The fleet's own keys live under this prefix. */
export const FLEET_PREFIX = "agentfleet.dev/";

export const LABEL_KEYS = {
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  component: "app.kubernetes.io/component",
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  appVersion: "app.kubernetes.io/version",
  /** Every pod of an agent, whatever its track; the metric contract's `agent` label. */
  agent: "agent",
  environment: "environment",
  version: "version",
  /** `blue`/`green` (released agents, set by the controller) or `stable` (rolling agents). */
  track: "track",
  /** On the track Deployments the controller creates: which AgentRollout owns them. */
  rollout: `${FLEET_PREFIX}rollout`,
  /** On the track Deployments and their pods: the pod template's revision hash. */
  revision: `${FLEET_PREFIX}revision`,
} as const;

/** `compliance.agentfleet.dev/<tag>: "true"` for each of an agent's compliance tags. */
export const COMPLIANCE_LABEL_PREFIX = `compliance.${FLEET_PREFIX}`;
/** On agent pods: a hash of the agent's ConfigMap data, so a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = `${FLEET_PREFIX}config-hash`;

export function fleetLabels(component: string): Record<string, string> {
  return {
    [LABEL_KEYS.partOf]: PART_OF,
    [LABEL_KEYS.managedBy]: MANAGED_BY,
    [LABEL_KEYS.component]: component,
  };
}

/** Label values allow 63 chars of [A-Za-z0-9_.-]; digests become `sha256-<first 12 hex>`. */
export function versionLabel(version: string): string {
  return version.startsWith("sha256:") ? `sha256-${version.slice(7, 19)}` : version.slice(0, 63);
}

/** What an agent's labels are made of (its resolved config has these fields). */
export interface LabelledAgent {
  id: string;
  version: string;
  environment: string;
  complianceTags: readonly string[];
}

/** Selects every pod of an agent, whatever its track. */
export function agentSelector(agent: { id: string }): Record<string, string> {
  return { [LABEL_KEYS.agent]: agent.id };
}

/** Labels of an agent's objects and pods. */
export function agentLabels(agent: LabelledAgent): Record<string, string> {
  const compliance = Object.fromEntries(
    agent.complianceTags.map((tag) => [`${COMPLIANCE_LABEL_PREFIX}${tag}`, "true"]),
  );
  return {
    ...fleetLabels("agent"),
    [LABEL_KEYS.name]: agent.id,
    [LABEL_KEYS.instance]: agent.id,
    [LABEL_KEYS.appVersion]: versionLabel(agent.version),
    [LABEL_KEYS.agent]: agent.id,
    [LABEL_KEYS.environment]: agent.environment,
    [LABEL_KEYS.version]: versionLabel(agent.version),
    ...compliance,
  };
}
