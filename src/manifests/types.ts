/** Plain Kubernetes objects as the builders produce them: JSON-ready, no Pulumi types. */
import type { AlertmanagerConfig } from "./monitoring/alerting/alertmanagerTypes.ts";
import type { RuleFile } from "./monitoring/rules/ruleTypes.ts";

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Everything one stack renders; the same value feeds Pulumi, the offline render and the policies. */
export interface RenderedFleet {
  /** Every Kubernetes object, sorted for stable diffs. */
  objects: KubeObject[];
  /** Cluster-wide definitions registered before anything that uses them (the AgentRollout CRD). */
  crds: KubeObject[];
  /** Fleet-wide autoscaling support (prometheus-adapter rules). */
  autoscaling: KubeObject[];
  /** Objects of each agent cluster (namespace, quota, policies, RBAC), by cluster name. */
  clusters: Record<string, KubeObject[]>;
  /** The rollout controller's namespace, workload and RBAC (the RolloutController component). */
  controller: KubeObject[];
  /** Objects of each agent (workload, services, autoscaling, …), by agent id. */
  agents: Record<string, KubeObject[]>;
  /** Rules, monitors, dashboard ConfigMaps (and an own Prometheus): the Monitoring component's. */
  monitoring: KubeObject[];
  /** The Alertmanager config Secret, with `<secret:key>` placeholders (and an own Alertmanager). */
  alerting: KubeObject[];
  /** The plain Prometheus rule file, written as `prometheus/rules.yaml`. */
  prometheusRules: RuleFile;
  /** The Alertmanager config with `<secret:key>` placeholders, written as `alertmanager/alertmanager.yaml`. */
  alertmanagerConfig: AlertmanagerConfig;
  /** Grafana dashboards by file name, written as `grafana/<name>.json`. */
  dashboards: Record<string, Record<string, unknown>>;
}

/** `namespace/kind/name`, unique within a rendered fleet. */
export function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? "_cluster"}/${object.kind}/${object.metadata.name}`;
}

export function sortObjects(objects: KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
}
