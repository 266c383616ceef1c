/**
 * A Prometheus of our own (prometheus-operator `Prometheus` + its RBAC), for clusters that have
 * none (`monitoring.installPrometheus`). It selects rules and monitors by the same
 * `monitoring.selectorLabels` our objects carry, keeps `monitoring.retention` of data on a
 * persistent volume (`monitoring.storage`) and sends alerts to the Alertmanager the Alerting
 * component installs.
 */
import { type FleetConfig, parseBytes } from "../../../config/index.ts";
import { fleetLabels } from "../../../contract/labels.ts";
import type { KubeObject } from "../../types.ts";

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

/** Share of the volume Prometheus may fill before it drops old blocks early: headroom for the WAL and compaction. */
const RETENTION_SIZE_SHARE = 0.8;

/**
 * Size-based retention in Prometheus' units (base-2: `GB` is GiB), so a full volume drops the
 * oldest data instead of crashing Prometheus before `retention` is reached.
 */
export function retentionSizeFor(volume: string): string {
  const mebibytes = Math.floor(((parseBytes(volume) ?? 0) * RETENTION_SIZE_SHARE) / 2 ** 20);
  return mebibytes >= 10 * 1024 ? `${Math.floor(mebibytes / 1024)}GB` : `${Math.max(mebibytes, 1)}MB`;
}

function storageSpec(storage: FleetConfig["monitoring"]["storage"]): Record<string, unknown> {
  return {
    volumeClaimTemplate: {
      spec: {
        ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: storage.size } },
      },
    },
  };
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
      retentionSize: retentionSizeFor(monitoring.storage.size),
      storage: storageSpec(monitoring.storage),
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
