/**
 * Server-side defaulting, as kube-apiserver applies it to every object it stores: the built-in
 * Go defaults of the kinds the controller writes (Deployment and its pod template, Service) and
 * the OpenAPI `default`s of the Gateway API HTTPRoute CRD. A client comparing what it wrote with
 * what it reads back sees exactly these differences on a real cluster, so the sandbox must show
 * them too (a controller that took them for drift rewrote its objects on every reconcile).
 */
import { createHash } from "node:crypto";
import type { StoredObject } from "./objects.ts";
import type { Json } from "./patch.ts";

type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Structural-schema defaulting from `[path, default]` pairs, paths like
 * `.spec.rules[].backendRefs[].weight`: a field that is absent where its parent exists gets a copy
 * of its default. Shorter paths go first, so defaults inside a defaulted value apply too (as the
 * apiextensions server recurses into what it just set).
 */
export function applySchemaDefaults(
  object: JsonObject,
  defaults: ReadonlyArray<readonly [string, Json]>,
): void {
  const ordered = [...defaults].sort(([a], [b]) => a.split(".").length - b.split(".").length);
  for (const [path, value] of ordered) {
    const segments = path.replace(/^\./, "").split(".");
    const visit = (node: Json | undefined, index: number): void => {
      if (!isObject(node)) return;
      const segment = segments[index] ?? "";
      const each = segment.endsWith("[]");
      const key = each ? segment.slice(0, -2) : segment;
      if (index === segments.length - 1 && !each) {
        if (!(key in node)) node[key] = structuredClone(value);
        return;
      }
      const child = node[key];
      if (each) {
        if (Array.isArray(child)) for (const item of child) visit(item, index + 1);
      } else visit(child, index + 1);
    };
    visit(object, 0);
  }
}

/**
 * Every `default` of `gateway.networking.k8s.io_httproutes.yaml` (Gateway API v1.6.3, standard
 * channel, storage version v1), read from the module's CRD.
 */
export const HTTP_ROUTE_DEFAULTS: ReadonlyArray<readonly [string, Json]> = [
  [".spec.parentRefs[].group", "gateway.networking.k8s.io"],
  [".spec.parentRefs[].kind", "Gateway"],
  [".spec.rules", [{ matches: [{ path: { type: "PathPrefix", value: "/" } }] }]],
  [".spec.rules[].backendRefs[].filters[].cors.maxAge", 5],
  [".spec.rules[].backendRefs[].filters[].requestMirror.backendRef.group", ""],
  [".spec.rules[].backendRefs[].filters[].requestMirror.backendRef.kind", "Service"],
  [".spec.rules[].backendRefs[].filters[].requestMirror.fraction.denominator", 100],
  [".spec.rules[].backendRefs[].filters[].requestRedirect.statusCode", 302],
  [".spec.rules[].backendRefs[].group", ""],
  [".spec.rules[].backendRefs[].kind", "Service"],
  [".spec.rules[].backendRefs[].weight", 1],
  [".spec.rules[].filters[].cors.maxAge", 5],
  [".spec.rules[].filters[].requestMirror.backendRef.group", ""],
  [".spec.rules[].filters[].requestMirror.backendRef.kind", "Service"],
  [".spec.rules[].filters[].requestMirror.fraction.denominator", 100],
  [".spec.rules[].filters[].requestRedirect.statusCode", 302],
  [".spec.rules[].matches", [{ path: { type: "PathPrefix", value: "/" } }]],
  [".spec.rules[].matches[].headers[].type", "Exact"],
  [".spec.rules[].matches[].path", { type: "PathPrefix", value: "/" }],
  [".spec.rules[].matches[].path.type", "PathPrefix"],
  [".spec.rules[].matches[].path.value", "/"],
  [".spec.rules[].matches[].queryParams[].type", "Exact"],
  [".status.parents[].parentRef.group", "gateway.networking.k8s.io"],
  [".status.parents[].parentRef.kind", "Gateway"],
];

function setDefault(node: JsonObject, key: string, value: Json): void {
  if (node[key] === undefined) node[key] = value;
}

function defaultProbe(probe: Json | undefined): void {
  if (!isObject(probe)) return;
  setDefault(probe, "timeoutSeconds", 1);
  setDefault(probe, "periodSeconds", 10);
  setDefault(probe, "successThreshold", 1);
  setDefault(probe, "failureThreshold", 3);
  if (isObject(probe.httpGet)) setDefault(probe.httpGet, "scheme", "HTTP");
}

/** `IfNotPresent` for a tag or digest, `Always` for `:latest` or no tag (pkg/apis/core/v1 defaults). */
function pullPolicy(image: Json | undefined): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag === undefined || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultContainer(container: Json): void {
  if (!isObject(container)) return;
  setDefault(container, "terminationMessagePath", "/dev/termination-log");
  setDefault(container, "terminationMessagePolicy", "File");
  setDefault(container, "imagePullPolicy", pullPolicy(container.image));
  setDefault(container, "resources", {});
  for (const port of Array.isArray(container.ports) ? container.ports : [])
    if (isObject(port)) setDefault(port, "protocol", "TCP");
  for (const env of Array.isArray(container.env) ? container.env : []) {
    const fieldRef = isObject(env) && isObject(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isObject(fieldRef)) setDefault(fieldRef, "apiVersion", "v1");
  }
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
}

/** PodSpec defaults of kube-apiserver (pkg/apis/core/v1/defaults.go). */
export function defaultPodSpec(spec: Json | undefined): void {
  if (!isObject(spec)) return;
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "enableServiceLinks", true);
  for (const list of [spec.containers, spec.initContainers])
    for (const container of Array.isArray(list) ? list : []) defaultContainer(container);
  for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (!isObject(volume)) continue;
    for (const source of ["configMap", "secret"] as const) {
      const from = volume[source];
      if (isObject(from)) setDefault(from, "defaultMode", 420);
    }
  }
}

/** apps/v1 Deployment defaults (pkg/apis/apps/v1/defaults.go). */
export function defaultDeployment(object: StoredObject): void {
  const spec = (object as { spec?: Json }).spec;
  if (!isObject(spec)) return;
  setDefault(spec, "replicas", 1);
  setDefault(spec, "revisionHistoryLimit", 10);
  setDefault(spec, "progressDeadlineSeconds", 600);
  setDefault(spec, "strategy", {});
  const strategy = spec.strategy as JsonObject;
  setDefault(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    setDefault(strategy, "rollingUpdate", {});
    const rolling = strategy.rollingUpdate as JsonObject;
    setDefault(rolling, "maxUnavailable", "25%");
    setDefault(rolling, "maxSurge", "25%");
  }
  if (isObject(spec.template)) defaultPodSpec(spec.template.spec);
}

/** A stable address in the default service range (10.96.0.0/16) for a Service, by name. */
function clusterIpFor(object: StoredObject): string {
  const digest = createHash("sha256").update(`${object.metadata.namespace}/${object.metadata.name}`).digest();
  return `10.96.${digest[0] ?? 0}.${((digest[1] ?? 0) % 253) + 1}`;
}

/** v1 Service defaults and allocations (ClusterIP, IP families), pkg/apis/core/v1 + the registry. */
export function defaultService(object: StoredObject, previous?: StoredObject): void {
  const spec = (object as { spec?: Json }).spec;
  if (!isObject(spec)) return;
  // An update that omits the allocated addresses keeps them (the registry copies them over).
  const before = (previous as { spec?: Json } | undefined)?.spec;
  if (isObject(before)) {
    for (const key of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"])
      if (spec[key] === undefined && before[key] !== undefined) spec[key] = structuredClone(before[key]);
  }
  setDefault(spec, "type", "ClusterIP");
  setDefault(spec, "sessionAffinity", "None");
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isObject(port)) continue;
    setDefault(port, "protocol", "TCP");
    setDefault(port, "targetPort", port.port ?? null);
  }
  if (spec.type === "ExternalName") return;
  if (spec.clusterIP === undefined) {
    const ip = clusterIpFor(object);
    spec.clusterIP = ip;
    setDefault(spec, "clusterIPs", [ip]);
  }
  setDefault(spec, "ipFamilies", ["IPv4"]);
  setDefault(spec, "ipFamilyPolicy", "SingleStack");
  setDefault(spec, "internalTrafficPolicy", "Cluster");
  if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
    setDefault(spec, "externalTrafficPolicy", "Cluster");
    if (spec.type === "LoadBalancer") setDefault(spec, "allocateLoadBalancerNodePorts", true);
  }
}

export function defaultHttpRoute(object: StoredObject): void {
  applySchemaDefaults(object as unknown as JsonObject, HTTP_ROUTE_DEFAULTS);
}
