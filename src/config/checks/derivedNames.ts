/**
 * Kubernetes' limits on names and label values derived from config: the longest object name built
 * from an agent id, and the label values built from it and from the version. The schema bounds
 * the raw fields; this checks what the builders actually make of them.
 */

import { LIMITS, labelValueProblem, nameRuleOf } from "../../contract/kubernetesNames.ts";
import { agentLabels } from "../../contract/labels.ts";
import type { ConfigProblem } from "../problems.ts";
import type { Agent, FleetConfig } from "../resolve.ts";
import { agentObjects } from "./agentObjects.ts";

/** The derived name furthest over its kind's length limit, with the longest id that would fit. */
function worstOverLimit(agent: Agent) {
  let worst: { name: string; kind: string; what: string; limit: number; maxId: number } | undefined;
  for (const object of agentObjects(agent)) {
    const rule = nameRuleOf(object.kind, object.group);
    if (rule.maxLength === undefined || object.name.length <= rule.maxLength) continue;
    const maxId = rule.maxLength - (object.name.length - agent.id.length);
    if (!worst || maxId < worst.maxId) {
      worst = { name: object.name, kind: object.kind, what: rule.what, limit: rule.maxLength, maxId };
    }
  }
  return worst;
}

function nameLengths(fleet: FleetConfig): ConfigProblem[] {
  return fleet.agents.flatMap((agent, index) => {
    const worst = worstOverLimit(agent);
    if (!worst) return [];
    return [
      {
        path: ["agents", index, "id"],
        message:
          `"${agent.id}" makes the ${worst.kind} name "${worst.name}" ${worst.name.length} characters long, ` +
          `over the ${worst.limit}-character limit of ${worst.what}: shorten the id to at most ${worst.maxId} characters`,
      },
    ];
  });
}

/** Which agent labels are built from which config field. */
const LABEL_SOURCES = {
  id: ["agent", "app.kubernetes.io/name", "app.kubernetes.io/instance"],
  version: ["version", "app.kubernetes.io/version"],
} as const;

const LABEL_VALUE_RULE = `label values are at most ${LIMITS.labelValue} letters, digits, '-', '_' and '.', and begin and end with a letter or digit`;

function labelValues(fleet: FleetConfig): ConfigProblem[] {
  return fleet.agents.flatMap((agent, index) => {
    const labels = agentLabels(agent);
    return Object.entries(LABEL_SOURCES).flatMap(([field, keys]): ConfigProblem[] => {
      const bad = keys.filter((key) => labels[key] !== undefined && labelValueProblem(labels[key]));
      const value = bad[0] === undefined ? undefined : labels[bad[0]];
      if (value === undefined) return [];
      const source = agent[field as keyof typeof LABEL_SOURCES];
      // Versions are cut to the label limit; say so, since the bad end may come from the cut.
      const cut =
        field === "version" && source.length > LIMITS.labelValue
          ? ` (its first ${LIMITS.labelValue} characters)`
          : "";
      return [
        {
          path: ["agents", index, field],
          message:
            `"${source}" becomes the label value "${value}"${cut} of the labels ${bad.join(" and ")}, which Kubernetes rejects: ` +
            `${LABEL_VALUE_RULE}; change the ${field} so its label value is one`,
        },
      ];
    });
  });
}

export function derivedNameLimits(fleet: FleetConfig): ConfigProblem[] {
  return [...nameLengths(fleet), ...labelValues(fleet)];
}
