/**
 * Capacity at max replicas fits the resource pool, computed from the rendered objects: each agent's
 * pod requests times its peak pod count (HPA max; both tracks of an AgentRollout during a release;
 * plus the surge of a rolling Deployment).
 */
import {
  type AgentPeak,
  formatAmount,
  type ResourceAmounts,
  type ResourceUsage,
  resourceUsage,
  shortfalls,
} from "../../capacity/resourceUsage.ts";
import type { KubeObject } from "../../manifests/types.ts";
import {
  agentWorkloads,
  asArray,
  containersOf,
  field,
  podTemplateOf,
  quantityOf,
  type VolumeView,
} from "../objects.ts";
import { stringSetting } from "../settings.ts";
import { stackPolicy } from "../types.ts";

function podRequests(workload: KubeObject, gpuResource: string): ResourceAmounts {
  const spec = podTemplateOf(workload)?.spec;
  const amount = (resource: string, name: string) =>
    containersOf(spec)
      .filter(({ init }) => !init)
      .reduce(
        (sum, { container }) => sum + (quantityOf(resource, container.resources?.requests?.[name]) ?? 0),
        0,
      );
  const storage = asArray<VolumeView>(spec?.volumes).reduce(
    (sum, volume) =>
      sum +
      (quantityOf("storage", volume.ephemeral?.volumeClaimTemplate?.spec?.resources?.requests?.storage) ?? 0),
    0,
  );
  return {
    cpu: amount("cpu", "cpu"),
    memory: amount("memory", "memory"),
    storage,
    gpu: amount(gpuResource, gpuResource),
  };
}

type HpaIndex = Map<string, KubeObject>;

/** Autoscalers by the `namespace/Kind/name` they scale. */
function autoscalersByTarget(objects: readonly KubeObject[]): HpaIndex {
  const index: HpaIndex = new Map();
  for (const hpa of objects.filter((object) => object.kind === "HorizontalPodAutoscaler")) {
    const target = field(hpa.spec, "scaleTargetRef");
    index.set(
      `${hpa.metadata.namespace}/${String(field(target, "kind"))}/${String(field(target, "name"))}`,
      hpa,
    );
  }
  return index;
}

function maxReplicas(autoscalers: HpaIndex, workload: KubeObject): number {
  const hpa = autoscalers.get(`${workload.metadata.namespace}/${workload.kind}/${workload.metadata.name}`);
  const fromHpa = field(hpa?.spec, "maxReplicas");
  if (typeof fromHpa === "number") return fromHpa;
  const replicas = field(workload.spec, "replicas");
  return typeof replicas === "number" ? replicas : 1;
}

/** Pods at once: both tracks of a release, or max plus the rolling update's surge. */
function peakPods(autoscalers: HpaIndex, workload: KubeObject): number {
  const max = maxReplicas(autoscalers, workload);
  if (workload.kind === "AgentRollout") return max * 2;
  if (workload.kind !== "Deployment") return max;
  const strategy = field(workload.spec, "strategy");
  if (field(strategy, "type") === "Recreate") return max;
  const surge = field(field(strategy, "rollingUpdate"), "maxSurge") ?? "25%";
  if (typeof surge === "number") return max + surge;
  const percent = /^(\d+)%$/.exec(String(surge))?.[1];
  return max + (percent ? Math.ceil((max * Number(percent)) / 100) : 0);
}

function shortfallMessage({ resource, required, available, contributors }: ResourceUsage): string {
  const largest = contributors
    .slice(0, 3)
    .map(({ agent, amount }) => `${agent} ${formatAmount(resource, amount)}`)
    .join(", ");
  return (
    `${resource}: agents need ${formatAmount(resource, required)} at max replicas, the pool has ${formatAmount(resource, available)} ` +
    `(short by ${formatAmount(resource, required - available)}; largest: ${largest}): raise resourcePool.${resource} or lower replicas.max / resources.limits`
  );
}

export const capacityFitsPool = stackPolicy({
  name: "capacity-fits-pool",
  description:
    "The requests of every agent at its peak pod count (max replicas, both tracks during releases, plus " +
    "the rolling surge) fit the declared resourcePool, per resource. Fix: raise resourcePool or lower the " +
    "agents' replicas.max or resources.limits.",
  scope: "stack",
  settings: {
    gpuResource: stringSetting("nvidia.com/gpu", "Extended resource name counted against resourcePool.gpu."),
  },
  check(objects, context, settings) {
    const autoscalers = autoscalersByTarget(objects);
    const peaks: AgentPeak[] = agentWorkloads(objects).map((agent) => ({
      agent: agent.id,
      pods: peakPods(autoscalers, agent.workload),
      pod: podRequests(agent.workload, settings.gpuResource),
    }));
    return shortfalls(resourceUsage(peaks, context.resourcePool)).map((usage) => ({
      message: shortfallMessage(usage),
    }));
  },
});
