/** REQUIREMENTS §1 numbers, asserted on agents from both real stack files. */
import { describe, expect, it } from "vitest";
import { type Agent, type FleetConfig, loadStack } from "../../src/config/index.ts";
import { buildAgentObjects } from "../../src/manifests/agent/index.ts";
import type { KubeObject } from "../../src/manifests/types.ts";

const stacks = { dev: loadStack("dev").fleet, prod: loadStack("prod").fleet };

function agentOf(fleet: FleetConfig, id: string): Agent {
  const agent = fleet.agents.find((candidate) => candidate.id === id);
  if (!agent) throw new Error(`no agent ${id}`);
  return agent;
}

// biome-ignore lint/suspicious/noExplicitAny: tests walk the rendered JSON freely
type Json = any;

function podSpecOf(objects: KubeObject[]): Json {
  const workload = objects.find(
    (object) => object.kind === "Deployment" || object.kind === "AgentRollout",
  ) as Json;
  return workload.spec.template.spec;
}

function objectsOf(stack: keyof typeof stacks, id: string) {
  const fleet = stacks[stack];
  return buildAgentObjects(agentOf(fleet, id), fleet);
}

describe("agent pod template", () => {
  it.each([
    ["dev", "ingest", { cpu: "500m", memory: "1638Mi" }, { cpu: "1", memory: "2Gi" }],
    ["dev", "enrich", { cpu: "250m", memory: "819Mi" }, { cpu: "500m", memory: "1Gi" }],
    ["prod", "ingest", { cpu: "1", memory: "3276Mi" }, { cpu: "2", memory: "4Gi" }],
    [
      "prod",
      "vision-inference",
      { cpu: "2", memory: "13107Mi", "nvidia.com/gpu": "1" },
      { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" },
    ],
  ] as const)(
    "%s/%s: requests are 50%% CPU, 80%% memory of the limits; GPU request = limit",
    (stack, id, requests, limits) => {
      const container = podSpecOf(objectsOf(stack, id)).containers[0];
      expect(container.resources).toEqual({ requests, limits });
    },
  );

  it("data volume requests 50% of storage from the cluster's storage class, encrypted for hipaa/gdpr", () => {
    const claim = (stack: keyof typeof stacks, id: string) =>
      podSpecOf(objectsOf(stack, id)).volumes.find((volume: Json) => volume.name === "data").ephemeral
        .volumeClaimTemplate.spec;
    expect(claim("prod", "ingest")).toMatchObject({
      storageClassName: "gp3",
      resources: { requests: { storage: "50Gi" }, limits: { storage: "100Gi" } },
    });
    expect(claim("prod", "claims-processor").storageClassName).toBe("gp3-encrypted");
    expect(claim("prod", "quality-audit").storageClassName).toBe("gp3-encrypted");
    expect(claim("dev", "export")).toMatchObject({ resources: { requests: { storage: "5Gi" } } });
  });

  it("sets the contract env, with dataProcessing keys from the ConfigMap", () => {
    const objects = objectsOf("prod", "ingest");
    const env = podSpecOf(objects).containers[0].env;
    expect(env.slice(0, 4)).toEqual([
      { name: "AGENT_ID", value: "ingest" },
      { name: "ENVIRONMENT", value: "prod" },
      { name: "DATA_THROUGHPUT_TARGET", value: "20000" },
      { name: "MAX_CONCURRENT_STREAMS", value: "32" },
    ]);
    expect(env.slice(4)).toEqual([
      {
        name: "DATA_CONFIG_SOURCE_TOPIC",
        valueFrom: { configMapKeyRef: { name: "ingest-config", key: "sourceTopic" } },
      },
      {
        name: "DATA_CONFIG_BATCH_SIZE",
        valueFrom: { configMapKeyRef: { name: "ingest-config", key: "batchSize" } },
      },
      {
        name: "DATA_CONFIG_COMPRESSION",
        valueFrom: { configMapKeyRef: { name: "ingest-config", key: "compression" } },
      },
    ]);
    const configMap = objects.find((object) => object.kind === "ConfigMap") as Json;
    expect(configMap.data).toEqual({ sourceTopic: "events.raw", batchSize: "2000", compression: "zstd" });
  });

  it("probes, ports and defaults follow REQUIREMENTS §1", () => {
    const container = podSpecOf(objectsOf("prod", "partner-api")).containers[0];
    expect(container.livenessProbe).toEqual({
      httpGet: { path: "/health/liveness", port: 8080 },
      initialDelaySeconds: 30,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: "/health/readiness", port: 8080 },
      initialDelaySeconds: 5,
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    expect(container.ports).toEqual([
      { name: "http-metrics", containerPort: 8080, protocol: "TCP" },
      { name: "grpc-data", containerPort: 8081, protocol: "TCP" },
      { name: "http-admin", containerPort: 8082, protocol: "TCP" },
    ]);
    expect(container.env).toContainEqual({ name: "MAX_CONCURRENT_STREAMS", value: "16" });
    expect(container.env).toContainEqual({ name: "DATA_THROUGHPUT_TARGET", value: "5000" });
  });

  it("runs non-root, read-only, without capabilities, RuntimeDefault seccomp, no API token", () => {
    const pod = podSpecOf(objectsOf("dev", "export"));
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe("export");
    expect(pod.topologySpreadConstraints.map((constraint: Json) => constraint.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
  });

  it("labels pods with app.kubernetes.io/*, agent, environment, version and (rolling) track", () => {
    const deployment = objectsOf("prod", "partner-api").find(
      (object) => object.kind === "Deployment",
    ) as Json;
    expect(deployment.spec.template.metadata.labels).toMatchObject({
      "app.kubernetes.io/name": "partner-api",
      "app.kubernetes.io/part-of": "agent-fleet",
      agent: "partner-api",
      environment: "prod",
      version: "sha256-0b1c2d3e4f5a",
      track: "stable",
    });
    const rollout = objectsOf("prod", "ingest").find((object) => object.kind === "AgentRollout") as Json;
    expect(rollout.spec.template.metadata.labels.track).toBeUndefined();
    expect(podSpecOf(objectsOf("prod", "partner-api")).containers[0].image).toBe(
      "ghcr.io/agent-fleet/partner-api-agent@sha256:0b1c2d3e4f5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    );
  });
});

describe("workload, services and autoscaling by strategy", () => {
  it("HPA: CPU 75%, memory 80%, custom metrics, +2 / −1 pods, 10 min sustained and 5 min cooldown", () => {
    const hpa = objectsOf("prod", "ingest").find(
      (object) => object.kind === "HorizontalPodAutoscaler",
    ) as Json;
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: "agentfleet.dev/v1alpha1",
      kind: "AgentRollout",
      name: "ingest",
    });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBe(12);
    expect(hpa.spec.metrics).toEqual([
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 75 } },
      },
      {
        type: "Resource",
        resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
      },
      {
        type: "Pods",
        pods: {
          metric: { name: "agent_records_processed_per_second" },
          target: { type: "AverageValue", averageValue: "16000" },
        },
      },
      {
        type: "Pods",
        pods: {
          metric: { name: "agent_input_queue_depth" },
          target: { type: "AverageValue", averageValue: "10000" },
        },
      },
      {
        type: "Pods",
        pods: {
          metric: { name: "agent_processing_latency_p95_seconds" },
          target: { type: "AverageValue", averageValue: "1000m" },
        },
      },
      // prod's business-hours schedule: a floor of 6 from the schedule series (value ÷ 1 = replicas).
      {
        type: "External",
        external: {
          metric: {
            name: "agentfleet_scheduled_min_replicas",
            selector: { matchLabels: { schedule: "business-hours" } },
          },
          target: { type: "AverageValue", averageValue: "1" },
        },
      },
    ]);
    expect(hpa.spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [{ type: "Pods", value: 2, periodSeconds: 60 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 600,
        selectPolicy: "Min",
        policies: [{ type: "Pods", value: 1, periodSeconds: 300 }],
      },
    });
    const rollingHpa = objectsOf("prod", "partner-api").find(
      (object) => object.kind === "HorizontalPodAutoscaler",
    ) as Json;
    expect(rollingHpa.spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "partner-api",
    });
    // The schedule names only ingest: other agents get no floor metric.
    expect(rollingHpa.spec.metrics.map((metric: Json) => metric.type)).not.toContain("External");
  });

  it("never sets replicas on anything an autoscaler owns", () => {
    for (const fleet of Object.values(stacks)) {
      for (const agent of fleet.agents) {
        for (const object of buildAgentObjects(agent, fleet)) {
          if (object.kind === "Deployment" || object.kind === "AgentRollout") {
            expect((object.spec as Json).replicas, `${object.kind} ${agent.id}`).toBeUndefined();
          }
        }
      }
    }
  });

  it("released agents get active, preview and per-track services; only external agents get a LoadBalancer", () => {
    const services = (stack: keyof typeof stacks, id: string) =>
      objectsOf(stack, id)
        .filter((object) => object.kind === "Service")
        .map((object) => [object.metadata.name, (object.spec as Json).type, (object.spec as Json).selector]);
    // The controller owns the (atomic) selector of the active and preview Services: none rendered.
    expect(services("prod", "ingest")).toEqual([
      ["ingest", "ClusterIP", undefined],
      ["ingest-preview", "ClusterIP", undefined],
      ["ingest-blue", "ClusterIP", { agent: "ingest", track: "blue" }],
      ["ingest-green", "ClusterIP", { agent: "ingest", track: "green" }],
    ]);
    expect(services("prod", "partner-api")).toEqual([
      ["partner-api", "LoadBalancer", { agent: "partner-api" }],
    ]);
  });

  it("HTTP releases carry their route in the AgentRollout (controller-owned); rolling HTTP agents get an HTTPRoute", () => {
    const ingest = objectsOf("prod", "ingest");
    expect(ingest.some((object) => object.kind === "HTTPRoute")).toBe(false);
    const rollout = ingest.find((object) => object.kind === "AgentRollout") as Json;
    expect(rollout.spec.traffic).toMatchObject({
      router: "gatewayAPI",
      trackServices: { blue: "ingest-blue", green: "ingest-green" },
      httpRoute: {
        parentRefs: [{ name: "prod-gateway", namespace: "gateway-system" }],
        hostnames: ["ingest.agent-fleet.example.com"],
      },
    });
    expect(rollout.spec.strategy.canary.steps.map((step: Json) => step.setWeight)).toEqual([5, 25, 50, 100]);
    const exportRollout = objectsOf("prod", "export").find(
      (object) => object.kind === "AgentRollout",
    ) as Json;
    expect(exportRollout.spec.traffic.router).toBe("replicaRatio");
    const enrich = objectsOf("prod", "enrich").find((object) => object.kind === "AgentRollout") as Json;
    expect(enrich.spec.strategy.blueGreen).toMatchObject({ scaleDownDelaySeconds: 900, autoPromote: true });
  });

  it("PDB covers every pod of the agent, whatever its track", () => {
    const pdb = objectsOf("prod", "enrich").find((object) => object.kind === "PodDisruptionBudget") as Json;
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { agent: "enrich" } } });
  });
});
