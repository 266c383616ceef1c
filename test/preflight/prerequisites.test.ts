/** What a cluster must have for a fleet, derived from config and rendered objects (pure). */
import { describe, expect, it } from "vitest";
import { type FleetConfig, loadStack, parseFleetConfig } from "../../src/config/index.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";
import { clusterPrerequisites, describeProbe, type Prerequisite } from "../../src/preflight/index.ts";

function prerequisitesOf(fleet: FleetConfig): Prerequisite[] {
  return clusterPrerequisites(fleet, renderFleet(fleet));
}

/** Every probe as `title → probe description`, the shape a reader is asked. */
function asked(prerequisites: readonly Prerequisite[]): string[] {
  return prerequisites.flatMap((prerequisite) =>
    prerequisite.probes.map((probe) => `${prerequisite.title} → ${describeProbe(probe)}`),
  );
}

function fleetWith(extra: Record<string, unknown>): FleetConfig {
  return parseFleetConfig(
    {
      environment: "dev",
      resourcePool: { cpu: "16", memory: "64Gi", storage: "2Ti" },
      agents: [{ id: "a", image: "example/a", version: "1.0.0", replicas: { min: 1, max: 2 } }],
      ...extra,
    },
    { source: "test" },
  );
}

describe("cluster prerequisites", () => {
  it("dev: Gateway API for the routed agents, prometheus-operator CRDs, the monitoring namespace, its StorageClass, the custom metrics API", () => {
    expect(asked(prerequisitesOf(loadStack("dev").fleet))).toEqual([
      "Gateway API CRDs → HTTPRoute (gateway.networking.k8s.io/v1)",
      "prometheus-operator CRDs → PodMonitor (monitoring.coreos.com/v1)",
      "prometheus-operator CRDs → PrometheusRule (monitoring.coreos.com/v1)",
      'namespace "monitoring" → namespace "monitoring"',
      'StorageClass "standard" → StorageClass "standard"',
      "custom metrics API (custom.metrics.k8s.io) → APIService v1beta2.custom.metrics.k8s.io or v1beta1.custom.metrics.k8s.io",
    ]);
  });

  it("prod: both StorageClasses in use (the encrypted one for hipaa/gdpr agents) and the external metrics API for schedules", () => {
    const prerequisites = prerequisitesOf(loadStack("prod").fleet);
    const byTitle = new Map(prerequisites.map((prerequisite) => [prerequisite.title, prerequisite]));
    expect(byTitle.get('StorageClass "gp3-encrypted"')?.neededBy).toBe(
      "clusters[0].encryptedStorageClass (data volumes of claims-processor, quality-audit)",
    );
    expect(byTitle.get('StorageClass "gp3"')?.neededBy).toContain(
      "clusters[1].storageClass (data volumes of vision-inference)",
    );
    expect(byTitle.get("external metrics API (external.metrics.k8s.io)")?.neededBy).toBe(
      "autoscaling.schedules: the HPAs of ingest read the schedule floors as an External metric",
    );
  });

  it("names no StorageClass that no agent uses (dev's encrypted class has no regulated agent)", () => {
    const titles = prerequisitesOf(loadStack("dev").fleet).map((prerequisite) => prerequisite.title);
    expect(titles).not.toContain('StorageClass "encrypted-standard"');
  });

  it("with monitoring.installPrometheus the program owns the namespace; it needs the Prometheus and Alertmanager CRDs instead", () => {
    const fleet = fleetWith({
      monitoring: { installPrometheus: true, storage: { size: "20Gi", storageClass: "fast" } },
    });
    const list = asked(prerequisitesOf(fleet));
    expect(list).not.toContain('namespace "monitoring" → namespace "monitoring"');
    expect(list).toEqual(
      expect.arrayContaining([
        "prometheus-operator CRDs → Alertmanager (monitoring.coreos.com/v1)",
        "prometheus-operator CRDs → Prometheus (monitoring.coreos.com/v1)",
        'StorageClass "fast" → StorageClass "fast"',
      ]),
    );
  });

  it("without routes, no Gateway API; the AgentRollout CRD the program ships is never a prerequisite", () => {
    const titles = prerequisitesOf(fleetWith({})).map((prerequisite) => prerequisite.title);
    expect(titles).not.toContain("Gateway API CRDs");
    expect(titles.some((title) => title.includes("agentfleet.dev"))).toBe(false);
  });

  it("a monitoring namespace elsewhere is the one checked", () => {
    const prerequisites = prerequisitesOf(fleetWith({ monitoring: { namespace: "observability" } }));
    const namespace = prerequisites.find((prerequisite) => prerequisite.title.startsWith("namespace"));
    expect(namespace?.title).toBe('namespace "observability"');
    expect(namespace?.neededBy).toContain(
      'monitoring.namespace ("observability") is the namespace of the cluster\'s Prometheus',
    );
  });

  it("stays readable for a large fleet: agent lists are cut after five", () => {
    const agents = Array.from({ length: 40 }, (_, index) => ({
      id: `agent-${index}`,
      image: "example/a",
      version: "1.0.0",
      replicas: { min: 1, max: 1 },
      resources: { limits: { cpu: "100m", memory: "128Mi", storage: "1Gi" } },
    }));
    const storage = prerequisitesOf(fleetWith({ agents })).find((prerequisite) =>
      prerequisite.title.startsWith("StorageClass"),
    );
    expect(storage?.neededBy).toBe(
      "clusters[0].storageClass (data volumes of agent-0, agent-1, agent-2, agent-3, agent-4 and 35 more)",
    );
  });
});
