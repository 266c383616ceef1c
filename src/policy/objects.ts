/**
 * Read-only views of the Kubernetes objects policies inspect. Objects reach policies from the
 * render, from Pulumi resource inputs or from hand-written fixtures, so every field is optional
 * and read defensively.
 */
import type { Environment } from "../config/index.ts";
import { parseBytes, parseCpu } from "../config/index.ts";
import type { KubeObject } from "../manifests/types.ts";
import type { PolicyContext } from "./types.ts";

export interface SecurityContextView {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}

export interface ContainerView {
  name?: string;
  image?: string;
  ports?: ContainerPort[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  securityContext?: SecurityContextView;
}

export interface VolumeView {
  name?: string;
  hostPath?: { path?: string };
  ephemeral?: {
    volumeClaimTemplate?: {
      spec?: {
        storageClassName?: string;
        resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
      };
    };
  };
}

export interface PodSpecView {
  containers?: ContainerView[];
  initContainers?: ContainerView[];
  volumes?: VolumeView[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContextView;
}

export interface PodTemplateView {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpecView;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

const TEMPLATE_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "AgentRollout",
]);
/** Kinds whose pods are long-running agent workloads. */
export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "AgentRollout"]);

/** A record field, when it is one. */
export function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

export function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The pod template of a workload (or the spec of a bare Pod); undefined for other kinds. */
export function podTemplateOf(object: KubeObject): PodTemplateView | undefined {
  if (object.kind === "Pod") return { metadata: object.metadata, spec: object.spec as PodSpecView };
  if (object.kind === "CronJob") {
    return field(field(field(object.spec, "jobTemplate"), "spec"), "template") as PodTemplateView | undefined;
  }
  if (!TEMPLATE_KINDS.has(object.kind)) return undefined;
  return field(object.spec, "template") as PodTemplateView | undefined;
}

export interface NamedContainer {
  container: ContainerView;
  /** `container "agent"` or `init container "migrate"`, for messages. */
  label: string;
  init: boolean;
}

export function containersOf(spec: PodSpecView | undefined): NamedContainer[] {
  const named = (container: ContainerView, init: boolean, index: number) => ({
    container,
    init,
    label: `${init ? "init container" : "container"} "${container.name ?? `#${index}`}"`,
  });
  return [
    ...asArray<ContainerView>(spec?.initContainers).map((container, index) => named(container, true, index)),
    ...asArray<ContainerView>(spec?.containers).map((container, index) => named(container, false, index)),
  ];
}

export function labelsOf(object: KubeObject): Record<string, string> {
  return object.metadata.labels ?? {};
}

/** Pod labels of a workload, falling back to the object's own labels. */
export function podLabelsOf(object: KubeObject): Record<string, string> {
  return { ...labelsOf(object), ...(podTemplateOf(object)?.metadata?.labels ?? {}) };
}

/** The environment an object belongs to: its `environment` label (agents may override the fleet's). */
export function environmentOf(object: KubeObject, context: PolicyContext): Environment {
  const own = labelsOf(object).environment ?? podTemplateOf(object)?.metadata?.labels?.environment;
  return (own as Environment | undefined) ?? context.environment;
}

/** The agent a workload runs: its pods' `agent` label. */
export function agentOf(object: KubeObject): string | undefined {
  return podLabelsOf(object).agent;
}

export interface AgentWorkload {
  id: string;
  namespace: string;
  workload: KubeObject;
  podLabels: Record<string, string>;
  containerPorts: ContainerPort[];
}

/** Every agent of the stack, found as workloads whose pods carry an `agent` label. */
export function agentWorkloads(objects: readonly KubeObject[]): AgentWorkload[] {
  return objects.flatMap((workload) => {
    if (!WORKLOAD_KINDS.has(workload.kind)) return [];
    const template = podTemplateOf(workload);
    const podLabels = template?.metadata?.labels ?? {};
    const id = podLabels.agent;
    if (!id) return [];
    const containerPorts = containersOf(template?.spec).flatMap(({ container }) =>
      asArray<ContainerPort>(container.ports),
    );
    return [{ id, namespace: workload.metadata.namespace ?? "default", workload, podLabels, containerPorts }];
  });
}

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  return (
    matchLabels &&
    asArray<{ key: string; operator: string; values?: string[] }>(selector.matchExpressions).every(
      ({ key, operator, values = [] }) => {
        const has = key in labels;
        if (operator === "Exists") return has;
        if (operator === "DoesNotExist") return !has;
        if (operator === "In") return has && values.includes(labels[key] ?? "");
        if (operator === "NotIn") return !has || !values.includes(labels[key] ?? "");
        return false;
      },
    )
  );
}

/** An empty selector (`{}`) selects every pod of the namespace. */
export function selectsAll(selector: LabelSelector | undefined): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    asArray(selector.matchExpressions).length === 0
  );
}

/** A resource quantity in base units (millicores for CPU, bytes for memory/storage, counts otherwise). */
export function quantityOf(resource: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (resource === "cpu") return parseCpu(value);
  if (resource === "memory" || resource.endsWith("storage")) return parseBytes(value);
  const count = Number(value);
  return Number.isFinite(count) ? count : undefined;
}
