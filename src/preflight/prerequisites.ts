/**
 * What a target cluster must already have for a fleet: derived from the config and the rendered
 * objects, so a new kind, namespace or metric type is covered the day a builder emits it. Pure:
 * no I/O; the cluster is read elsewhere (clusterReader.ts) and judged in verdict.ts.
 */
import type { FleetConfig } from "../config/index.ts";
import { storageClassFor } from "../manifests/agent/podTemplate.ts";
import type { KubeObject, RenderedFleet } from "../manifests/types.ts";

/** One question to ask the cluster. */
export type Probe =
  /** Does the API server serve this kind (discovery of `apiVersion`)? */
  | { kind: "apiKind"; apiVersion: string; resourceKind: string }
  | { kind: "namespace"; name: string }
  | { kind: "storageClass"; name: string }
  /** Is one of these APIServices registered and Available (an aggregated API such as custom metrics)? */
  | { kind: "apiService"; names: string[] };

/** Something the cluster must have, what in the fleet needs it, and how it is usually provided. */
export interface Prerequisite {
  /** Short name, e.g. `prometheus-operator CRDs`. */
  title: string;
  probes: Probe[];
  /** Which objects or config paths need it. */
  neededBy: string;
  fix: string;
}

/** API groups every conformant cluster serves: never prerequisites. */
const BUILT_IN_GROUPS = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
]);

export const PROMETHEUS_OPERATOR_GROUP = "monitoring.coreos.com";
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
/** The HTTPRoute version both Pulumi and the rollout controller write. */
export const HTTP_ROUTE_API_VERSION = `${GATEWAY_API_GROUP}/v1`;

export const CUSTOM_METRICS_API_SERVICES = ["v1beta2.custom.metrics.k8s.io", "v1beta1.custom.metrics.k8s.io"];
export const EXTERNAL_METRICS_API_SERVICES = ["v1beta1.external.metrics.k8s.io"];

const KNOWN_GROUPS: Record<string, { title: string; fix: string }> = {
  [PROMETHEUS_OPERATOR_GROUP]: {
    title: "prometheus-operator CRDs",
    fix:
      "install prometheus-operator, usually with the kube-prometheus-stack Helm chart " +
      "(prometheus-community/kube-prometheus-stack), or only its CRDs " +
      "(example/prometheus-operator-crd/ of github.com/prometheus-operator/prometheus-operator)",
  },
  [GATEWAY_API_GROUP]: {
    title: "Gateway API CRDs",
    fix:
      "install the Gateway API standard-channel CRDs (config/crd/standard/ of sigs.k8s.io/gateway-api, " +
      "published as standard-install.yaml with each release) and a Gateway controller, or remove the agents' `route`",
  },
};

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/** A list that stays readable for 300 agents: the first few, then how many more. */
export function someOf(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** `3 PodMonitors, 6 PrometheusRules` */
function kindCounts(objects: readonly KubeObject[]): string {
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => plural(count, kind))
    .join(", ");
}

/** Kinds the program's own CRDs define (the AgentRollout): created by the program, not prerequisites. */
function shippedKinds(rendered: RenderedFleet): Set<string> {
  const kinds = new Set<string>();
  for (const crd of rendered.crds) {
    const spec = crd.spec as { group?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) kinds.add(`${spec.group}/${spec.names.kind}`);
  }
  return kinds;
}

function routedAgents(fleet: FleetConfig): string[] {
  return fleet.agents.flatMap((agent, index) =>
    agent.route ? [`agents[${index}].route (${agent.id})`] : [],
  );
}

/** CRD-backed kinds the rendered objects use (and the HTTPRoutes the controller will write). */
function customKinds(fleet: FleetConfig, rendered: RenderedFleet): Prerequisite[] {
  const shipped = shippedKinds(rendered);
  const byGroup = new Map<string, KubeObject[]>();
  for (const object of rendered.objects) {
    const group = groupOf(object.apiVersion);
    if (BUILT_IN_GROUPS.has(group) || shipped.has(`${group}/${object.kind}`)) continue;
    byGroup.set(group, [...(byGroup.get(group) ?? []), object]);
  }
  const routes = routedAgents(fleet);
  if (routes.length > 0 && !byGroup.has(GATEWAY_API_GROUP)) byGroup.set(GATEWAY_API_GROUP, []);
  return [...byGroup]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, objects]) => {
      const kinds = new Map<string, Probe>();
      for (const object of objects) {
        kinds.set(`${object.apiVersion}/${object.kind}`, {
          kind: "apiKind",
          apiVersion: object.apiVersion,
          resourceKind: object.kind,
        });
      }
      const needers = objects.length > 0 ? [`${kindCounts(objects)} of this fleet`] : [];
      if (group === GATEWAY_API_GROUP && routes.length > 0) {
        kinds.set(`${HTTP_ROUTE_API_VERSION}/HTTPRoute`, {
          kind: "apiKind",
          apiVersion: HTTP_ROUTE_API_VERSION,
          resourceKind: "HTTPRoute",
        });
        needers.push(
          `${someOf(routes)}: HTTPRoutes (the rollout controller writes those of canary/blue-green agents)`,
        );
      }
      const known = KNOWN_GROUPS[group];
      return {
        title: known?.title ?? `CRDs of ${group}`,
        probes: [...kinds.values()],
        neededBy: needers.join("; "),
        fix: known?.fix ?? `install the CRDs (and the controller) that define these ${group} kinds`,
      };
    });
}

/** Namespaces objects are placed in that the program does not create. */
function foreignNamespaces(fleet: FleetConfig, rendered: RenderedFleet): Prerequisite[] {
  const created = new Set(
    rendered.objects.filter((object) => object.kind === "Namespace").map((object) => object.metadata.name),
  );
  const byNamespace = new Map<string, KubeObject[]>();
  for (const object of rendered.objects) {
    const namespace = object.metadata.namespace;
    if (!namespace || created.has(namespace)) continue;
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), object]);
  }
  return [...byNamespace]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, objects]) => {
      const isMonitoring = name === fleet.monitoring.namespace;
      return {
        title: `namespace "${name}"`,
        probes: [{ kind: "namespace", name }],
        neededBy: isMonitoring
          ? `${kindCounts(objects)} placed there: monitoring.namespace ("${name}") is the namespace of the cluster's Prometheus, which this program does not install`
          : `${kindCounts(objects)} placed there`,
        fix: isMonitoring
          ? "install the Prometheus stack there (kube-prometheus-stack), set monitoring.namespace to the namespace your Prometheus runs in, or set monitoring.installPrometheus: true so this program creates the namespace and its own Prometheus"
          : `create namespace "${name}"`,
      };
    });
}

/** Every StorageClass the config names and an object uses, with the config paths that name it. */
function storageClasses(fleet: FleetConfig): Prerequisite[] {
  const users = new Map<string, Map<string, string[]>>();
  const use = (name: string, path: string, who: string) => {
    const paths = users.get(name) ?? new Map<string, string[]>();
    paths.set(path, [...(paths.get(path) ?? []), who]);
    users.set(name, paths);
  };
  fleet.clusters.forEach((cluster, index) => {
    for (const agent of fleet.agents.filter((candidate) => candidate.cluster === cluster.name)) {
      const name = storageClassFor(agent, cluster);
      const field = name === cluster.storageClass ? "storageClass" : "encryptedStorageClass";
      use(name, `clusters[${index}].${field}`, agent.id);
    }
  });
  const ownPrometheusClass = fleet.monitoring.installPrometheus
    ? fleet.monitoring.storage.storageClass
    : undefined;
  if (ownPrometheusClass)
    use(ownPrometheusClass, "monitoring.storage.storageClass", "the installed Prometheus");
  return [...users].map(([name, paths]) => {
    const pathList = [...paths.keys()];
    return {
      title: `StorageClass "${name}"`,
      probes: [{ kind: "storageClass", name }],
      neededBy: [...paths].map(([path, who]) => `${path} (data volumes of ${someOf(who)})`).join("; "),
      fix: `create it (with your CSI driver's provisioner) or set ${pathList.join(" / ")} to a StorageClass the cluster has`,
    };
  });
}

interface HpaMetric {
  type?: string;
}

/** The aggregated metrics APIs the rendered HPAs read (Pods/Object → custom, External → external). */
function metricsApis(fleet: FleetConfig, rendered: RenderedFleet): Prerequisite[] {
  const custom = new Set<string>();
  const external = new Set<string>();
  for (const object of rendered.objects) {
    if (object.kind !== "HorizontalPodAutoscaler") continue;
    const metrics = ((object.spec as { metrics?: HpaMetric[] } | undefined)?.metrics ?? []).map(
      (metric) => metric.type,
    );
    if (metrics.includes("Pods") || metrics.includes("Object")) custom.add(object.metadata.name);
    if (metrics.includes("External")) external.add(object.metadata.name);
  }
  const adapter = `install prometheus-adapter (prometheus-community/prometheus-adapter Helm chart) with the rules of ConfigMap ${fleet.monitoring.namespace}/agent-fleet-adapter-rules`;
  const prerequisites: Prerequisite[] = [];
  if (custom.size > 0) {
    prerequisites.push({
      title: "custom metrics API (custom.metrics.k8s.io)",
      probes: [{ kind: "apiService", names: CUSTOM_METRICS_API_SERVICES }],
      neededBy: `the HPAs of ${someOf([...custom])} scale on per-pod throughput, queue depth and p95 latency (autoscaling.*)`,
      fix: `${adapter}; it registers APIService v1beta1.custom.metrics.k8s.io`,
    });
  }
  if (external.size > 0) {
    prerequisites.push({
      title: "external metrics API (external.metrics.k8s.io)",
      probes: [{ kind: "apiService", names: EXTERNAL_METRICS_API_SERVICES }],
      neededBy: `autoscaling.schedules: the HPAs of ${someOf([...external])} read the schedule floors as an External metric`,
      fix: `${adapter} and its external rules enabled; it registers APIService v1beta1.external.metrics.k8s.io`,
    });
  }
  return prerequisites;
}

/** Everything the cluster must have before this fleet is created, in a stable order. */
export function clusterPrerequisites(fleet: FleetConfig, rendered: RenderedFleet): Prerequisite[] {
  return [
    ...customKinds(fleet, rendered),
    ...foreignNamespaces(fleet, rendered),
    ...storageClasses(fleet),
    ...metricsApis(fleet, rendered),
  ];
}

/** `PodMonitor (monitoring.coreos.com/v1)`, `namespace "monitoring"`, … */
export function describeProbe(probe: Probe): string {
  switch (probe.kind) {
    case "apiKind":
      return `${probe.resourceKind} (${probe.apiVersion})`;
    case "namespace":
      return `namespace "${probe.name}"`;
    case "storageClass":
      return `StorageClass "${probe.name}"`;
    case "apiService":
      return `APIService ${probe.names.join(" or ")}`;
  }
}
