/** AgentRollouts and Services shaped like the ones the Pulumi program renders. */

import { AGENT_ROLLOUT_API_VERSION } from "../../../src/contract/agentRollout.ts";
import { defaultAnalysisMetrics } from "../../../src/contract/analysisQueries.ts";
import type { KubeObject } from "../../../src/controller/kube/cluster.ts";
import type { AgentRolloutSpec, AnalysisSpec, CanaryStepSpec } from "../../../src/crd/agentRollout.ts";

export const NAMESPACE = "data-processing";

export function analysis(overrides: Partial<AnalysisSpec> = {}): AnalysisSpec {
  return {
    intervalSeconds: 1,
    count: 1,
    failureLimit: 0,
    inconclusiveLimit: 2,
    noData: "inconclusive",
    metrics: defaultAnalysisMetrics({
      intervalSeconds: 60,
      maxErrorRate: 0.01,
      maxLatencyP95Seconds: 1,
      minDataQuality: 0.95,
    }),
    ...overrides,
  };
}

export function template(version: string): Record<string, unknown> {
  return {
    metadata: { labels: { "app.kubernetes.io/name": "agent", version } },
    spec: {
      containers: [
        {
          name: "agent",
          image: `ghcr.io/example/agent:${version}`,
          ports: [{ name: "http-metrics", containerPort: 8080 }],
        },
      ],
    },
  };
}

export interface RolloutOptions {
  agent?: string;
  version?: string;
  minReplicas?: number;
  maxReplicas?: number;
  router?: AgentRolloutSpec["traffic"]["router"];
  steps?: CanaryStepSpec[];
  blueGreen?: { scaleDownDelaySeconds: number; autoPromote: boolean };
  analysis?: Partial<AnalysisSpec>;
}

export function agentRollout(options: RolloutOptions = {}): KubeObject {
  const agent = options.agent ?? "ingest";
  const strategy: AgentRolloutSpec["strategy"] = options.blueGreen
    ? { blueGreen: { ...options.blueGreen, analysis: analysis(options.analysis) } }
    : {
        canary: {
          steps: options.steps ?? [
            { setWeight: 5 },
            { setWeight: 25 },
            { setWeight: 50 },
            { setWeight: 100 },
          ],
          analysis: analysis(options.analysis),
        },
      };
  const router = options.router ?? "gatewayAPI";
  const spec: AgentRolloutSpec = {
    agent,
    minReplicas: options.minReplicas ?? 4,
    ...(options.maxReplicas !== undefined ? { maxReplicas: options.maxReplicas } : {}),
    selector: { matchLabels: { agent } },
    template: template(options.version ?? "1.0.0"),
    strategy,
    traffic: {
      router,
      activeService: agent,
      previewService: `${agent}-preview`,
      trackServices: { blue: `${agent}-blue`, green: `${agent}-green` },
      port: 8080,
      ...(router === "gatewayAPI"
        ? {
            httpRoute: {
              name: agent,
              parentRefs: [{ name: "fleet-gateway", namespace: "gateway-system" }],
              hostnames: [`${agent}.example.com`],
              pathPrefix: "/",
            },
          }
        : {}),
    },
  };
  return {
    apiVersion: AGENT_ROLLOUT_API_VERSION,
    kind: "AgentRollout",
    metadata: { name: agent, namespace: NAMESPACE },
    spec,
  };
}

/**
 * The four Services Pulumi creates for a released agent: active and preview without a selector
 * (the controller owns it), the track Services with fixed ones.
 */
export function agentServices(agent: string): KubeObject[] {
  const service = (name: string, selector?: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NAMESPACE, labels: { agent } },
    spec: {
      ...(selector ? { selector } : {}),
      ports: [{ name: "http-metrics", port: 8080, targetPort: "http-metrics" }],
    },
  });
  return [
    service(agent),
    service(`${agent}-preview`),
    service(`${agent}-blue`, { agent, track: "blue" }),
    service(`${agent}-green`, { agent, track: "green" }),
  ];
}
