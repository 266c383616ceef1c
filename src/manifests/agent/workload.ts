/**
 * The workload by strategy: `rolling` → a Deployment; `canary` / `blueGreen` → an AgentRollout
 * that the controller turns into `<agent>-blue` / `<agent>-green` Deployments. Neither sets
 * replicas: the autoscaler owns the count (the Deployment's, or the AgentRollout's scale
 * subresource, which the controller seeds once with `minReplicas`); the AgentRollout carries the
 * HPA's bounds so the controller keeps the tracks within them.
 */
import {
  type Agent,
  type Analysis,
  type CanaryStep,
  type Cluster,
  type Duration,
  seconds,
  wholeSeconds,
} from "../../config/index.ts";
import { AGENT_ROLLOUT, AGENT_ROLLOUT_API_VERSION, ROLLING_TRACK } from "../../contract/agentRollout.ts";
import { defaultAnalysisMetrics } from "../../contract/analysisQueries.ts";
import { agentLabels, agentSelector } from "../../contract/labels.ts";
import { serviceNames } from "../../contract/names.ts";
import { GRPC_PORT, HTTP_PORT } from "../../contract/ports.ts";
import type { AgentRolloutSpec, AnalysisSpec, CanaryStepSpec } from "../../crd/agentRollout.ts";
import type { KubeObject } from "../types.ts";
import { buildPodTemplate } from "./podTemplate.ts";

export function buildDeployment(agent: Agent, cluster: Cluster): KubeObject {
  const template = buildPodTemplate(agent, cluster);
  template.metadata.labels = { ...template.metadata.labels, track: ROLLING_TRACK };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: agent.id, namespace: agent.cluster, labels: agentLabels(agent) },
    spec: {
      selector: { matchLabels: agentSelector(agent) },
      // Surge one pod and never drop below the current count: the capacity check counts max + 1.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      revisionHistoryLimit: 5,
      template,
    },
  };
}

/**
 * The AgentRollout's analysis: the evidence analysis (error rate and latency as record counts,
 * canary against stable, at every look) plus the data-quality gauge, the one default check that
 * is not a rate of records and stays a value check. Looks default to the scrape interval.
 */
export function analysisSpec(analysis: Analysis, scrapeInterval: Duration): AnalysisSpec {
  const intervalSeconds = wholeSeconds(analysis.interval);
  const gauges = defaultAnalysisMetrics({
    ...analysis,
    intervalSeconds,
    scrapeIntervalSeconds: seconds(scrapeInterval),
  }).filter((metric) => metric.name === "data-quality");
  return {
    intervalSeconds,
    count: analysis.count,
    failureLimit: analysis.failureLimit,
    inconclusiveLimit: analysis.inconclusiveLimit,
    noData: analysis.noData,
    metrics: gauges,
    evidence: {
      lookIntervalSeconds: Math.max(0.1, seconds(analysis.lookInterval ?? scrapeInterval)),
      confidence: analysis.confidence,
      maxErrorRate: analysis.maxErrorRate,
      maxErrorRateOverStable: analysis.maxErrorRateOverStable,
      maxLatencyP95Seconds: analysis.maxLatencyP95Seconds,
      maxSlowShareOverStable: analysis.maxSlowShareOverStable,
      ...(analysis.minRecords === undefined ? {} : { minRecords: analysis.minRecords }),
    },
  };
}

export function canarySteps(steps: readonly CanaryStep[]): CanaryStepSpec[] {
  return steps.map((step) => {
    if (step.pause === undefined) return { setWeight: step.weight };
    if (step.pause === "manual") return { setWeight: step.weight, pause: {} };
    return { setWeight: step.weight, pause: { durationSeconds: wholeSeconds(step.pause) } };
  });
}

function strategySpec(agent: Agent, scrapeInterval: Duration): AgentRolloutSpec["strategy"] {
  const strategy = agent.strategy;
  if (strategy.type === "canary") {
    return {
      canary: {
        steps: canarySteps(strategy.steps),
        analysis: analysisSpec(strategy.analysis, scrapeInterval),
      },
    };
  }
  if (strategy.type === "blueGreen") {
    return {
      blueGreen: {
        scaleDownDelaySeconds: wholeSeconds(strategy.scaleDownDelay),
        autoPromote: strategy.autoPromote,
        analysis: analysisSpec(strategy.analysis, scrapeInterval),
      },
    };
  }
  throw new Error(`agent ${agent.id}: rolling agents have no AgentRollout`);
}

/** Router: HTTP routes shift weights on the HTTPRoute; other blue-green agents switch Service selectors; other canaries use replica ratio. */
function trafficSpec(agent: Agent, cluster: Cluster): AgentRolloutSpec["traffic"] {
  const names = serviceNames(agent);
  const router =
    agent.route && cluster.gateway
      ? "gatewayAPI"
      : agent.strategy.type === "blueGreen"
        ? "serviceSelector"
        : "replicaRatio";
  return {
    router,
    activeService: names.active,
    previewService: names.preview,
    trackServices: { blue: names.blue, green: names.green },
    port: agent.protocol === "http" ? HTTP_PORT : GRPC_PORT,
    ...(agent.route && cluster.gateway
      ? {
          httpRoute: {
            name: agent.id,
            parentRefs: [{ name: cluster.gateway.name, namespace: cluster.gateway.namespace }],
            hostnames: agent.route.hostnames,
            pathPrefix: agent.route.pathPrefix,
          },
        }
      : {}),
  };
}

/** `scrapeInterval`: the fleet's `monitoring.scrapeInterval`, the default cadence of the evidence looks. */
export function buildAgentRollout(agent: Agent, cluster: Cluster, scrapeInterval: Duration): KubeObject {
  const spec: AgentRolloutSpec = {
    agent: agent.id,
    minReplicas: agent.replicas.min,
    maxReplicas: agent.replicas.max,
    selector: { matchLabels: agentSelector(agent) },
    template: buildPodTemplate(agent, cluster),
    strategy: strategySpec(agent, scrapeInterval),
    traffic: trafficSpec(agent, cluster),
  };
  return {
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: AGENT_ROLLOUT.kind,
    metadata: { name: agent.id, namespace: agent.cluster, labels: agentLabels(agent) },
    spec,
  };
}
