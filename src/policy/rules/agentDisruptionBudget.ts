/** Every agent has a PodDisruptionBudget that still lets nodes drain. */
import type { KubeObject } from "../../manifests/types.ts";
import { agentWorkloads, field, type LabelSelector, selectorMatches } from "../objects.ts";
import { stackPolicy } from "../types.ts";

/** A budget that allows no voluntary eviction at all blocks every node drain. */
function blocksDrains(spec: unknown): boolean {
  const maxUnavailable = field(spec, "maxUnavailable");
  const minAvailable = field(spec, "minAvailable");
  return maxUnavailable === 0 || maxUnavailable === "0%" || minAvailable === "100%";
}

export const agentDisruptionBudget = stackPolicy({
  name: "agent-disruption-budget",
  description:
    "Every agent has a PodDisruptionBudget in its namespace selecting its pods, and the budget allows at " +
    "least one voluntary eviction (so node drains proceed one pod at a time). Fix: add a PDB with " +
    "maxUnavailable: 1 selecting the agent label.",
  scope: "stack",
  settings: {},
  check(objects) {
    const budgets = new Map<string | undefined, KubeObject[]>();
    for (const budget of objects.filter((object) => object.kind === "PodDisruptionBudget")) {
      const inNamespace = budgets.get(budget.metadata.namespace) ?? [];
      budgets.set(budget.metadata.namespace, inNamespace);
      inNamespace.push(budget);
    }
    return agentWorkloads(objects).flatMap((agent) => {
      const own = (budgets.get(agent.namespace) ?? []).filter((budget) =>
        selectorMatches(field(budget.spec, "selector") as LabelSelector | undefined, agent.podLabels),
      );
      if (own.length === 0) {
        return [{ object: agent.workload, message: `agent ${agent.id} has no PodDisruptionBudget: add one` }];
      }
      return own
        .filter((budget) => blocksDrains(budget.spec))
        .map((budget) => ({
          object: budget,
          message: `PodDisruptionBudget of agent ${agent.id} allows no eviction and blocks node drains: use maxUnavailable: 1`,
        }));
    });
  },
});
