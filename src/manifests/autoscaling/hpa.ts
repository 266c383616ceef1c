/**
 * One HPA (autoscaling/v2) per agent: CPU and memory utilization plus the custom per-pod metrics
 * (throughput, input queue depth, p95 latency) that prometheus-adapter serves from the agents'
 * own series, and the floors of scheduled scale-ups (schedules.ts). A single HPA per
 * target means no two autoscalers fight over the replica count.
 */
import { type Agent, type Autoscaling, isReleased, wholeSeconds } from "../../config/index.ts";
import { AGENT_ROLLOUT, AGENT_ROLLOUT_API_VERSION } from "../../contract/agentRollout.ts";
import { agentLabels } from "../../contract/labels.ts";
import { AGENT_METRICS } from "../../contract/metrics.ts";
import type { KubeObject } from "../types.ts";
import { scheduleMetrics } from "./schedules.ts";

/** Names the adapter exposes on custom.metrics.k8s.io (see adapterRules.ts). */
export const CUSTOM_METRICS = {
  throughput: "agent_records_processed_per_second",
  /** Served under the agent metric's own name. */
  queueDepth: AGENT_METRICS.inputQueue,
  latencyP95: "agent_processing_latency_p95_seconds",
} as const;

function podsMetric(name: string, averageValue: string) {
  return { type: "Pods", pods: { metric: { name }, target: { type: "AverageValue", averageValue } } };
}

function resourceMetric(name: "cpu" | "memory", averageUtilization: number) {
  return { type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } };
}

function hpaBehavior(autoscaling: Autoscaling) {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [{ type: "Pods", value: autoscaling.scaleUpPods, periodSeconds: autoscaling.periodSeconds }],
    },
    scaleDown: {
      // HPA's only "sustained" knob is the stabilization window: the highest recommendation of the
      // window wins, so pods go only after load stayed low for all of it (10 min by default).
      stabilizationWindowSeconds: wholeSeconds(autoscaling.scaleDownSustained),
      selectPolicy: "Min",
      // Cooldown between removals: at most `scaleDownPods` per `scaleDownStabilization` (5 min).
      policies: [
        {
          type: "Pods",
          value: autoscaling.scaleDownPods,
          periodSeconds: wholeSeconds(autoscaling.scaleDownStabilization),
        },
      ],
    },
  };
}

export function buildHpa(agent: Agent, autoscaling: Autoscaling): KubeObject {
  const scaleTargetRef = isReleased(agent)
    ? { apiVersion: AGENT_ROLLOUT_API_VERSION, kind: AGENT_ROLLOUT.kind, name: agent.id }
    : { apiVersion: "apps/v1", kind: "Deployment", name: agent.id };
  const throughputPerPod = Math.round(agent.throughputTarget * autoscaling.throughputTargetRatio);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: agent.id, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: {
      scaleTargetRef,
      minReplicas: agent.replicas.min,
      maxReplicas: agent.replicas.max,
      metrics: [
        resourceMetric("cpu", autoscaling.cpuUtilizationPercent),
        resourceMetric("memory", autoscaling.memoryUtilizationPercent),
        podsMetric(CUSTOM_METRICS.throughput, String(throughputPerPod)),
        podsMetric(CUSTOM_METRICS.queueDepth, String(autoscaling.queueDepthPerPod)),
        podsMetric(CUSTOM_METRICS.latencyP95, `${autoscaling.latencyP95Ms}m`),
        ...scheduleMetrics(agent, autoscaling.schedules),
      ],
      behavior: hpaBehavior(autoscaling),
    },
  };
}
