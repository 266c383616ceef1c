/**
 * A Prometheus of our own (prometheus-operator `Prometheus` + its RBAC), for clusters that have
 * none (`monitoring.installPrometheus`). It selects rules and monitors by the same
 * `monitoring.selectorLabels` our objects carry, keeps `monitoring.retention` of data and sends
 * alerts to the Alertmanager the Alerting component installs.
 */
import type { FleetConfig } from "../../config/index.ts";
import { fleetLabels } from "../labels.ts";
import type { KubeObject } from "../types.ts";

const NAME = "agent-fleet-prometheus";

function rbac(namespace: string): KubeObject[] {
  const labels = fleetLabels("monitoring");
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: NAME, namespace, labels } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: NAME, labels },
      rules: [
        {
          apiGroups: [""],
          resources: ["nodes", "nodes/metrics", "services", "endpoints", "pods"],
          verbs: ["get", "list", "watch"],
        },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
        { nonResourceURLs: ["/metrics", "/metrics/cadvisor"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: NAME, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NAME },
      subjects: [{ kind: "ServiceAccount", name: NAME, namespace }],
    },
  ];
}

export function buildPrometheus(fleet: FleetConfig): KubeObject {
  const { monitoring } = fleet;
  const selector = { matchLabels: monitoring.selectorLabels };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Prometheus",
    metadata: { name: "agent-fleet", namespace: monitoring.namespace, labels: fleetLabels("monitoring") },
    spec: {
      replicas: fleet.environment === "prod" ? 2 : 1,
      retention: monitoring.retention,
      scrapeInterval: monitoring.scrapeInterval,
      evaluationInterval: monitoring.scrapeInterval,
      serviceAccountName: NAME,
      // Added to alerts only when an alert has no `environment` of its own.
      externalLabels: { environment: fleet.environment },
      ruleSelector: selector,
      ruleNamespaceSelector: {},
      podMonitorSelector: selector,
      podMonitorNamespaceSelector: {},
      serviceMonitorSelector: selector,
      serviceMonitorNamespaceSelector: {},
      alerting: {
        alertmanagers: [{ namespace: monitoring.namespace, name: "alertmanager-operated", port: "web" }],
      },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        fsGroup: 2000,
        seccompProfile: { type: "RuntimeDefault" },
      },
    },
  };
}

/** Everything an own Prometheus needs; empty when the cluster already has one. */
export function buildPrometheusStack(fleet: FleetConfig): KubeObject[] {
  if (!fleet.monitoring.installPrometheus) return [];
  const namespace: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: fleet.monitoring.namespace, labels: fleetLabels("monitoring") },
  };
  return [namespace, ...rbac(fleet.monitoring.namespace), buildPrometheus(fleet)];
}
