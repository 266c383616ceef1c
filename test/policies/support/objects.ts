/**
 * Small hand-made objects for policy tests: each builder returns a compliant object, and tests
 * break exactly the field they are about.
 */
import type { KubeObject } from "../../../src/manifests/types.ts";

export const NAMESPACE = "data-processing";
export const DIGEST = `sha256:${"ab12".repeat(16)}`;

export function clone<T>(value: T): T {
  return structuredClone(value);
}

function agentLabels(agent: string, extra: Record<string, string> = {}) {
  return { "app.kubernetes.io/part-of": "agent-fleet", agent, environment: "prod", ...extra };
}

export function container(overrides: Record<string, unknown> = {}) {
  return {
    name: "agent",
    image: `ghcr.io/agent-fleet/ingest-agent@${DIGEST}`,
    ports: [
      { name: "http-metrics", containerPort: 8080, protocol: "TCP" },
      { name: "grpc-data", containerPort: 8081, protocol: "TCP" },
    ],
    resources: { requests: { cpu: "500m", memory: "1638Mi" }, limits: { cpu: "1", memory: "2Gi" } },
    livenessProbe: { httpGet: { path: "/health/liveness", port: 8080 } },
    readinessProbe: { httpGet: { path: "/health/readiness", port: 8080 } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...overrides,
  };
}

export function podTemplate(agent: string, labels: Record<string, string> = {}) {
  return {
    metadata: { labels: agentLabels(agent, labels) },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
      containers: [container()],
      volumes: [
        {
          name: "data",
          ephemeral: {
            volumeClaimTemplate: {
              spec: {
                storageClassName: "standard",
                resources: { requests: { storage: "10Gi" }, limits: { storage: "20Gi" } },
              },
            },
          },
        },
      ],
    },
  };
}

export function deployment(agent = "ingest", labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: agent, namespace: NAMESPACE, labels: agentLabels(agent, labels) },
    spec: {
      selector: { matchLabels: { agent } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: podTemplate(agent, labels),
    },
  };
}

export function agentRollout(agent = "ingest", strategy: Record<string, unknown> = {}): KubeObject {
  const analysis = { intervalSeconds: 60, count: 3, metrics: [{ name: "error-rate", query: "q" }] };
  return {
    apiVersion: "agentfleet.dev/v1alpha1",
    kind: "AgentRollout",
    metadata: { name: agent, namespace: NAMESPACE, labels: agentLabels(agent) },
    spec: {
      agent,
      minReplicas: 3,
      template: podTemplate(agent),
      strategy: {
        canary: { steps: [{ setWeight: 5 }, { setWeight: 50 }, { setWeight: 100 }], analysis },
        ...strategy,
      },
    },
  };
}

export function service(
  agent = "ingest",
  type = "ClusterIP",
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: agent, namespace: NAMESPACE, labels: agentLabels(agent, labels) },
    spec: {
      type,
      selector: { agent },
      ports: [
        { name: "http-metrics", port: 8080, targetPort: "http-metrics", protocol: "TCP" },
        { name: "grpc-data", port: 8081, targetPort: "grpc-data", protocol: "TCP" },
      ],
    },
  };
}

export function hpa(
  agent = "ingest",
  min = 3,
  max = 6,
  target = { kind: "Deployment", name: agent },
): KubeObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: agent, namespace: NAMESPACE, labels: agentLabels(agent) },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", ...target }, minReplicas: min, maxReplicas: max },
  };
}

export function pdb(agent = "ingest", spec: Record<string, unknown> = { maxUnavailable: 1 }): KubeObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: agent, namespace: NAMESPACE },
    spec: { selector: { matchLabels: { agent } }, ...spec },
  };
}

export function namespace(name = NAMESPACE): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "app.kubernetes.io/component": "agent-cluster", environment: "prod" } },
  };
}

export function networkPolicy(name = "default-deny", spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: NAMESPACE },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ...spec },
  };
}

export function podMonitor(spec: Record<string, unknown> = {}, namespaceName = NAMESPACE): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: "agents", namespace: namespaceName },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/part-of": "agent-fleet" } },
      podMetricsEndpoints: [{ port: "http-metrics" }],
      ...spec,
    },
  };
}

export interface TestRule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}

export function prometheusRule(rules: TestRule[], name = "agent-alerts"): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name, namespace: "monitoring" },
    spec: { groups: [{ name: "agents", rules }] },
  };
}

export const LABEL_BASED_ALERT: TestRule = {
  alert: "AgentErrorRateHigh",
  expr: "namespace_agent:agent_records_failed:ratio_rate5m > 0.05",
  annotations: {
    summary: "s",
    description: "d",
    runbook_url: "https://example.com/runbooks/agent-error-rate.md",
  },
};

export function role(name: string, rules: Array<Record<string, unknown>>): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name, namespace: NAMESPACE },
    rules,
  };
}

/** The pod spec of a workload, for tests that break one field. */
export function podSpecOf(object: KubeObject): ReturnType<typeof podTemplate>["spec"] {
  return (object.spec as { template: ReturnType<typeof podTemplate> }).template.spec;
}

export function containerOf(object: KubeObject): ReturnType<typeof container> {
  const first = podSpecOf(object).containers[0];
  if (!first) throw new Error("test object has no container");
  return first;
}
