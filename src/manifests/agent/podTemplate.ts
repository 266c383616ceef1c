/**
 * The agent pod template, exactly as REQUIREMENTS §1 says: env, probes, the three named ports,
 * derived requests, a non-root read-only container without capabilities, RuntimeDefault seccomp,
 * topology spread, and a per-pod data volume from the (encrypted, when regulated) storage class.
 */
import { createHash } from "node:crypto";
import { type Agent, type Cluster, REGULATED_TAGS } from "../../config/index.ts";
import { agentLabels, CONFIG_HASH_ANNOTATION } from "../../contract/labels.ts";
import { configMapName, dataConfigEnvName } from "../../contract/names.ts";
import { AGENT_PORTS, HEALTH_PATHS, HTTP_PORT } from "../../contract/ports.ts";
import { containerResources, GPU_RESOURCE, storageResources } from "./resources.ts";

export const RUN_AS_USER = 10001;

export function imageReference(agent: Agent): string {
  return agent.version.startsWith("sha256:")
    ? `${agent.image}@${agent.version}`
    : `${agent.image}:${agent.version}`;
}

export function storageClassFor(agent: Agent, cluster: Cluster): string {
  const regulated = agent.complianceTags.some((tag) => REGULATED_TAGS.includes(tag));
  return regulated ? cluster.encryptedStorageClass : cluster.storageClass;
}

function env(agent: Agent) {
  return [
    { name: "AGENT_ID", value: agent.id },
    { name: "ENVIRONMENT", value: agent.environment },
    { name: "DATA_THROUGHPUT_TARGET", value: String(agent.throughputTarget) },
    { name: "MAX_CONCURRENT_STREAMS", value: String(agent.maxConcurrentStreams) },
    ...Object.keys(agent.dataProcessing).map((key) => ({
      name: dataConfigEnvName(key),
      valueFrom: { configMapKeyRef: { name: configMapName(agent), key } },
    })),
  ];
}

const PROBES = {
  livenessProbe: {
    httpGet: { path: HEALTH_PATHS.liveness, port: HTTP_PORT },
    initialDelaySeconds: 30,
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold: 3,
  },
  readinessProbe: {
    httpGet: { path: HEALTH_PATHS.readiness, port: HTTP_PORT },
    initialDelaySeconds: 5,
    periodSeconds: 5,
    timeoutSeconds: 3,
    failureThreshold: 3,
  },
};

function container(agent: Agent) {
  return {
    name: "agent",
    image: imageReference(agent),
    imagePullPolicy: "IfNotPresent",
    ports: AGENT_PORTS.map((port) => ({ ...port })),
    env: env(agent),
    resources: containerResources(agent),
    ...PROBES,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [
      { name: "data", mountPath: "/data" },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

/** A hash of the settings a pod reads at start, so a config change rolls out as a new revision. */
function configHash(agent: Agent): string {
  return createHash("sha256").update(JSON.stringify(agent.dataProcessing)).digest("hex").slice(0, 16);
}

export function buildPodTemplate(agent: Agent, cluster: Cluster) {
  const labels = agentLabels(agent);
  const spreadSelector = { matchLabels: { agent: agent.id } };
  return {
    metadata: {
      labels,
      annotations: { [CONFIG_HASH_ANNOTATION]: configHash(agent) },
    },
    spec: {
      serviceAccountName: agent.id,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 30,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_USER,
        runAsGroup: RUN_AS_USER,
        fsGroup: RUN_AS_USER,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [container(agent)],
      // Per-pod claims (generic ephemeral volumes): they scale with the autoscaler and go with the pod.
      volumes: [
        {
          name: "data",
          ephemeral: {
            volumeClaimTemplate: {
              metadata: { labels: { agent: agent.id } },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: storageClassFor(agent, cluster),
                resources: storageResources(agent),
              },
            },
          },
        },
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
      ],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: spreadSelector,
        },
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: spreadSelector,
        },
      ],
      ...(agent.resources.limits.gpu > 0
        ? { tolerations: [{ key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" }] }
        : {}),
    },
  };
}

export type PodTemplate = ReturnType<typeof buildPodTemplate>;
