/**
 * The controller's namespace, Deployment (two replicas, one leading), PodDisruptionBudget and
 * NetworkPolicies. The container runs non-root with a read-only root filesystem: Node 24 runs the
 * TypeScript sources without writing a compile cache (see src/controller/Dockerfile).
 */
import { CONTROLLER } from "../../contract/controller.ts";
import { CONTROLLER_OPS_PORT } from "../../contract/ports.ts";
import type { KubeObject } from "../types.ts";
import { controllerLabels, type PrometheusPeer, type RolloutControllerSpec } from "./spec.ts";

export function buildControllerNamespace(spec: RolloutControllerSpec): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: spec.namespace,
      labels: {
        ...controllerLabels(spec),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

function env(spec: RolloutControllerSpec) {
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
  return [
    { name: "POD_NAME", ...fieldRef("metadata.name") },
    { name: "POD_NAMESPACE", ...fieldRef("metadata.namespace") },
    { name: "WATCH_NAMESPACES", value: spec.watchNamespaces.join(",") },
    { name: "PROMETHEUS_URL", value: spec.prometheusUrl },
    { name: "LEASE_NAME", value: spec.leaseName },
    { name: "OPS_PORT", value: String(CONTROLLER_OPS_PORT) },
    { name: "LOG_LEVEL", value: spec.logLevel },
  ];
}

export function buildControllerDeployment(spec: RolloutControllerSpec): KubeObject {
  const labels = controllerLabels(spec);
  const probe = (path: string, period: number) => ({
    httpGet: { path, port: CONTROLLER.port },
    initialDelaySeconds: 5,
    periodSeconds: period,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: { ...CONTROLLER.podLabel } },
      // Leader election makes overlap harmless; never drop below one running replica.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: spec.name,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: "controller",
              image: spec.image,
              env: env(spec),
              ports: [{ name: CONTROLLER.port, containerPort: CONTROLLER_OPS_PORT, protocol: "TCP" }],
              livenessProbe: probe("/healthz", 10),
              readinessProbe: probe("/readyz", 5),
              resources: {
                requests: { cpu: "100m", memory: "192Mi" },
                limits: { cpu: "1", memory: "512Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: { ...CONTROLLER.podLabel } },
            },
          ],
        },
      },
    },
  };
}

export function buildControllerDisruptionBudget(spec: RolloutControllerSpec): KubeObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: spec.name, namespace: spec.namespace, labels: controllerLabels(spec) },
    spec: { minAvailable: 1, selector: { matchLabels: { ...CONTROLLER.podLabel } } },
  };
}

/** To the Prometheus the analysis queries: its namespace when the URL names one, else only its port. */
function prometheusEgress(peer: PrometheusPeer): Record<string, unknown> {
  const ports = [{ protocol: "TCP", port: peer.port }];
  if (!peer.namespace) return { ports };
  return {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } } }],
    ports,
  };
}

/** Default-deny, then: scrapes from the monitoring namespace; DNS, the API server and Prometheus out. */
export function buildControllerNetworkPolicies(spec: RolloutControllerSpec): KubeObject[] {
  const pods = { matchLabels: { ...CONTROLLER.podLabel } };
  const monitoring = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": spec.monitoringNamespace } },
  };
  const policy = (name: string, body: Record<string, unknown>): KubeObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${spec.name}-${name}`, namespace: spec.namespace, labels: controllerLabels(spec) },
    spec: body,
  });
  return [
    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("allow-scrape", {
      podSelector: pods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [monitoring], ports: [{ protocol: "TCP", port: CONTROLLER_OPS_PORT }] }],
    }),
    policy("allow-egress", {
      podSelector: pods,
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        // The API server's address is cluster-specific; its ports are not.
        {
          ports: [
            { protocol: "TCP", port: 443 },
            { protocol: "TCP", port: 6443 },
          ],
        },
        prometheusEgress(spec.prometheusPeer),
      ],
    }),
  ];
}
