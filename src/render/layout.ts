/**
 * The offline render's file layout (a contract for CI, the policy run, promtool and amtool):
 *   crds/<group>.yaml        CustomResourceDefinitions the program ships (apply these first: kubectl
 *                            cannot map a custom resource whose CRD is created in the same run)
 *   manifests/NN-<group>.yaml  every other object, one multi-document file per kind group, numbered
 *                            in dependency order so `kubectl apply --server-side -f manifests/`
 *                            succeeds in one pass (namespaces before what lives in them)
 *   prometheus/rules.yaml    plain Prometheus rule file (`promtool check rules`)
 *   alertmanager/alertmanager.yaml  plain Alertmanager config, secrets as placeholders (`amtool`)
 *   grafana/<name>.json      Grafana dashboards
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

/** Apply order of the groups: namespaces and their quotas first, then what runs inside them. */
const GROUP_ORDER = [
  "cluster",
  "rbac",
  "workloads",
  "network",
  "autoscaling",
  "monitoring",
  "alerting",
  "other",
];

/** The file a group's objects go to. */
export function groupFile(group: string): string {
  if (group === "crds") return "crds/agentrollouts.yaml";
  const rank = GROUP_ORDER.indexOf(group);
  const position = rank === -1 ? GROUP_ORDER.length : rank;
  return `manifests/${String((position + 1) * 10).padStart(2, "0")}-${group}.yaml`;
}

/** Relative path → file content, computed entirely in memory before anything is written. */
export function renderFiles(rendered: RenderedFleet): Map<string, string> {
  const byGroup = new Map<string, KubeObject[]>();
  for (const object of rendered.objects) {
    const group = object.metadata.labels?.["agent-fleet.dev/render-group"] ?? kindGroup(object.kind);
    byGroup.set(group, [...(byGroup.get(group) ?? []), object]);
  }
  const files = new Map<string, string>();
  for (const [group, objects] of [...byGroup].sort(([a], [b]) => groupFile(a).localeCompare(groupFile(b)))) {
    files.set(groupFile(group), objects.map((object) => stringify(object, { lineWidth: 0 })).join("---\n"));
  }
  for (const [path, content] of monitoringFiles(rendered)) files.set(path, content);
  return files;
}

/** The inputs of promtool, amtool and Grafana: plain files, secrets as `<secret:key>` placeholders. */
function monitoringFiles(rendered: RenderedFleet): Array<[string, string]> {
  return [
    ["prometheus/rules.yaml", stringify(rendered.prometheusRules, { lineWidth: 0 })],
    ["alertmanager/alertmanager.yaml", stringify(rendered.alertmanagerConfig, { lineWidth: 0 })],
    ...Object.entries(rendered.dashboards).map(([name, dashboard]): [string, string] => [
      `grafana/${name}.json`,
      `${JSON.stringify(dashboard, null, 2)}\n`,
    ]),
  ];
}
