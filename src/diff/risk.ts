/**
 * The one-line risk summary of a PR comment, e.g. "prod: 2 agents change image; 1 canary release
 * will start". It names what a reviewer must weigh: releases, exposure, deletions, access, alerting.
 */
import type { KubeObject } from "../manifests/types.ts";
import type { ChangedObject, ObjectDiff } from "./objects.ts";
import type { AlertingDiff } from "./routes.ts";
import type { RuleChange } from "./rules.ts";

export interface StackDiff {
  stack: string;
  objects: ObjectDiff;
  rules: RuleChange[];
  alerting: AlertingDiff;
}

const WORKLOADS = new Set(["Deployment", "AgentRollout", "StatefulSet", "DaemonSet"]);
const STATEFUL = new Set(["Namespace", "CustomResourceDefinition", "PersistentVolumeClaim"]);
const RBAC = new Set(["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "ServiceAccount"]);

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function images(object: KubeObject): string {
  const spec = record(record(record(object.spec).template).spec);
  return JSON.stringify((Array.isArray(spec.containers) ? spec.containers : []).map((c) => record(c).image));
}

function agentOf(object: KubeObject): string {
  return object.metadata.labels?.agent ?? object.metadata.name;
}

function templateChanged(change: ChangedObject): boolean {
  return change.fields.some((field) => field.path.startsWith("spec.template"));
}

function releaseParts(changed: ChangedObject[]): string[] {
  const workloads = changed.filter((change) => WORKLOADS.has(change.kind));
  const imageAgents = new Set(
    workloads
      .filter((change) => images(change.before) !== images(change.after))
      .map((change) => agentOf(change.after)),
  );
  const rollouts = workloads.filter((change) => change.kind === "AgentRollout" && templateChanged(change));
  const strategyOf = (change: ChangedObject) => Object.keys(record(record(change.after.spec).strategy))[0];
  const canaries = rollouts.filter((change) => strategyOf(change) === "canary").length;
  const blueGreens = rollouts.filter((change) => strategyOf(change) === "blueGreen").length;
  const rolling = workloads.filter(
    (change) => change.kind !== "AgentRollout" && templateChanged(change),
  ).length;
  return [
    ...(imageAgents.size > 0
      ? [`${count(imageAgents.size, "agent")} change${imageAgents.size === 1 ? "s" : ""} image`]
      : []),
    ...(canaries > 0 ? [`${count(canaries, "canary release")} will start`] : []),
    ...(blueGreens > 0 ? [`${count(blueGreens, "blue-green release")} will start`] : []),
    ...(rolling > 0 ? [`${count(rolling, "rolling update")}`] : []),
  ];
}

function exposed(object: KubeObject): boolean {
  const type = record(object.spec).type;
  return object.kind === "Service" && (type === "LoadBalancer" || type === "NodePort");
}

function objectParts({ added, removed, changed }: ObjectDiff): string[] {
  const agentsAdded = added.filter((object) => WORKLOADS.has(object.kind)).length;
  const agentsRemoved = removed.filter((object) => WORKLOADS.has(object.kind)).length;
  const newlyExposed = [
    ...added.filter(exposed),
    ...changed
      .filter((change) => exposed(change.after) && !exposed(change.before))
      .map((change) => change.after),
  ].length;
  const stateful = removed.filter((object) => STATEFUL.has(object.kind));
  const touched = [...added, ...removed, ...changed.map((change) => change.after)];
  const rbac = touched.filter((object) => RBAC.has(object.kind)).length;
  const network = touched.filter((object) => object.kind === "NetworkPolicy").length;
  const hpas = changed.filter(
    (change) =>
      change.kind === "HorizontalPodAutoscaler" && change.fields.some((f) => /Replicas$/.test(f.path)),
  ).length;
  return [
    ...(agentsAdded > 0 ? [`${count(agentsAdded, "workload")} added`] : []),
    ...(agentsRemoved > 0 ? [`${count(agentsRemoved, "workload")} removed`] : []),
    ...(newlyExposed > 0
      ? [`${count(newlyExposed, "Service")} become${newlyExposed === 1 ? "s" : ""} externally reachable`]
      : []),
    ...stateful.map((object) => `removes ${object.kind} ${object.metadata.name}`),
    ...(removed.length > 0 ? [`${count(removed.length, "resource")} removed`] : []),
    ...(hpas > 0 ? [`${count(hpas, "autoscaler")} change${hpas === 1 ? "s" : ""} replica bounds`] : []),
    ...(rbac > 0 ? [`RBAC changes (${count(rbac, "object")})`] : []),
    ...(network > 0 ? [`${count(network, "NetworkPolicy change", "NetworkPolicy changes")}`] : []),
  ];
}

function alertingParts(rules: RuleChange[], alerting: AlertingDiff): string[] {
  const alerts = rules.filter((rule) => rule.kind === "alert").length;
  const records = rules.length - alerts;
  const routing =
    alerting.routes.length +
    alerting.receivers.length +
    alerting.inhibitRules.added.length +
    alerting.inhibitRules.removed.length;
  return [
    ...(alerts > 0 ? [`${count(alerts, "alert rule")} change${alerts === 1 ? "s" : ""}`] : []),
    ...(records > 0 ? [`${count(records, "recording rule")} change${records === 1 ? "s" : ""}`] : []),
    ...(routing > 0 ? ["alert routing changes"] : []),
  ];
}

export function riskSummary(diff: StackDiff): string {
  const { objects } = diff;
  const parts = [
    ...releaseParts(objects.changed),
    ...objectParts(objects),
    ...alertingParts(diff.rules, diff.alerting),
  ];
  const total = objects.added.length + objects.removed.length + objects.changed.length;
  if (parts.length === 0 && total > 0)
    parts.push(`${count(total, "resource")} change${total === 1 ? "s" : ""}`);
  return `${diff.stack}: ${parts.length > 0 ? parts.join("; ") : "no changes"}`;
}
