/**
 * The offline render's file layout (a contract for CI, the policy run, promtool and amtool):
 *   manifests/<group>.yaml   Kubernetes objects, one multi-document file per kind group
 * Later stages add prometheus/rules.yaml, alertmanager/alertmanager.yaml and grafana/*.json.
 */
import { stringify } from "yaml";
import type { KubeObject, RenderedFleet } from "../manifests/types.ts";

const KIND_GROUPS: Record<string, string> = {
  Namespace: "cluster",
  ResourceQuota: "cluster",
  LimitRange: "cluster",
  CustomResourceDefinition: "crds",
  ServiceAccount: "rbac",
  Role: "rbac",
  RoleBinding: "rbac",
  ClusterRole: "rbac",
  ClusterRoleBinding: "rbac",
  NetworkPolicy: "network",
  Service: "network",
  HTTPRoute: "network",
  ConfigMap: "workloads",
  Deployment: "workloads",
  AgentRollout: "workloads",
  PodDisruptionBudget: "workloads",
  PersistentVolumeClaim: "workloads",
  HorizontalPodAutoscaler: "autoscaling",
  ScaledObject: "autoscaling",
  ServiceMonitor: "monitoring",
  PodMonitor: "monitoring",
  PrometheusRule: "monitoring",
  Prometheus: "monitoring",
  Alertmanager: "alerting",
  AlertmanagerConfig: "alerting",
  Secret: "alerting",
};

export function kindGroup(kind: string): string {
  return KIND_GROUPS[kind] ?? "other";
}

/** Relative path → file content, computed entirely in memory before anything is written. */
export function renderFiles(rendered: RenderedFleet): Map<string, string> {
  const byGroup = new Map<string, KubeObject[]>();
  for (const object of rendered.objects) {
    const group = object.metadata.labels?.["agent-fleet.dev/render-group"] ?? kindGroup(object.kind);
    byGroup.set(group, [...(byGroup.get(group) ?? []), object]);
  }
  const files = new Map<string, string>();
  for (const [group, objects] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    files.set(
      `manifests/${group}.yaml`,
      objects.map((object) => stringify(object, { lineWidth: 0 })).join("---\n"),
    );
  }
  return files;
}
