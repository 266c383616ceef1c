/**
 * AgentRollout releases are well-formed: canary weights rise step by step and end at 100 %, and in
 * production every release (canary or blue-green) is judged by Prometheus analysis.
 */
import type { KubeObject } from "../../manifests/types.ts";
import { asArray, environmentOf, field } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

function stepProblems(steps: unknown[]): string[] {
  if (steps.length === 0) return ["spec.strategy.canary.steps is empty: add steps ending at setWeight 100"];
  const messages: string[] = [];
  let previous = 0;
  steps.forEach((step, index) => {
    const weight = field(step, "setWeight");
    if (typeof weight !== "number" || weight < 1 || weight > 100) {
      messages.push(
        `canary step ${index + 1} has setWeight ${String(weight)}: every step needs a weight of 1-100`,
      );
      return;
    }
    if (weight <= previous) {
      messages.push(
        `canary step ${index + 1} sets weight ${weight}, not above the previous ${previous}: weights must increase`,
      );
    }
    previous = Math.max(previous, weight);
  });
  const last = field(steps.at(-1), "setWeight");
  if (last !== 100) {
    messages.push(`the last canary step sets weight ${String(last)}: end at 100 so the release completes`);
  }
  return messages;
}

function hasAnalysis(strategy: unknown): boolean {
  return asArray(field(field(strategy, "analysis"), "metrics")).length > 0;
}

export const canaryRelease = resourcePolicy({
  name: "canary-release",
  description:
    "An AgentRollout canary raises traffic weights step by step and ends at 100 %, and in production " +
    "canary and blue-green releases carry Prometheus analysis (at least one metric). Fix: correct the " +
    "agent's strategy.steps, and keep release.analysis for prod agents.",
  scope: "resource",
  settings: {
    requireAnalysisIn: stringListSetting(["prod"], "Environments whose releases must carry analysis."),
  },
  check(object: KubeObject, context, settings) {
    if (object.kind !== "AgentRollout") return [];
    const strategy = field(object.spec, "strategy");
    const canary = field(strategy, "canary");
    const blueGreen = field(strategy, "blueGreen");
    const messages = canary ? stepProblems(asArray(field(canary, "steps"))) : [];
    const environment = environmentOf(object, context);
    if (settings.requireAnalysisIn.includes(environment)) {
      for (const [name, release] of [
        ["canary", canary],
        ["blueGreen", blueGreen],
      ] as const) {
        if (release && !hasAnalysis(release)) {
          messages.push(
            `spec.strategy.${name} has no analysis metrics, required in ${environment}: releases must be judged by Prometheus`,
          );
        }
      }
    }
    return messages;
  },
});
