/** Autoscaler bounds make sense: 1 <= minReplicas <= maxReplicas. */
import { field } from "../objects.ts";
import { resourcePolicy } from "../types.ts";

export const hpaBounds = resourcePolicy({
  name: "hpa-bounds",
  description:
    "A HorizontalPodAutoscaler has 1 <= minReplicas <= maxReplicas; otherwise Kubernetes rejects it or it " +
    "can never scale. Fix: set the agent's replicas.min at or below replicas.max.",
  scope: "resource",
  settings: {},
  check(object) {
    if (object.kind !== "HorizontalPodAutoscaler") return [];
    const minField = field(object.spec, "minReplicas");
    const max = field(object.spec, "maxReplicas");
    const min = typeof minField === "number" ? minField : 1;
    if (typeof max !== "number") return ["spec.maxReplicas is not set: set the agent's replicas.max"];
    const messages: string[] = [];
    if (min < 1) messages.push(`spec.minReplicas is ${min}: it must be at least 1`);
    if (min > max) {
      messages.push(`spec.minReplicas (${min}) is above spec.maxReplicas (${max}): lower min or raise max`);
    }
    return messages;
  },
});
