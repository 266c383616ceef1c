/** The controller's Kubernetes objects, built from the real dev stack, and their monitoring contract. */
import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/index.ts";
import { CONTROLLER } from "../../src/contract/controller.ts";
import { ControllerMetrics } from "../../src/controller/ops/metrics.ts";
import {
  buildRolloutControllerObjects,
  prometheusPeerOf,
  rolloutControllerSpec,
} from "../../src/manifests/controller/index.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";
import type { KubeObject } from "../../src/manifests/types.ts";

const fleet = loadStack("dev").fleet;
const spec = rolloutControllerSpec(fleet);
const objects = buildRolloutControllerObjects(spec);
const byKind = (kind: string) => objects.filter((object) => object.kind === kind);

interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Array<{
    image: string;
    env: Array<{ name: string; value?: string }>;
    ports: Array<{ name: string; containerPort: number }>;
    livenessProbe: { httpGet: { path: string; port: string } };
    readinessProbe: { httpGet: { path: string; port: string } };
    securityContext: Record<string, unknown>;
  }>;
}

describe("rollout controller objects", () => {
  it("runs two non-root replicas with probes on the ops endpoints and the fleet's namespaces to watch", () => {
    const [deployment] = byKind("Deployment");
    const deploymentSpec = deployment?.spec as {
      replicas: number;
      template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    };
    expect(deploymentSpec.replicas).toBe(2);
    const pod = deploymentSpec.template.spec;
    const [container] = pod.containers;
    expect(container?.image).toBe(`${fleet.release.controllerImage}:${fleet.release.controllerVersion}`);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container?.livenessProbe.httpGet).toEqual({ path: "/healthz", port: CONTROLLER.port });
    expect(container?.readinessProbe.httpGet).toEqual({ path: "/readyz", port: CONTROLLER.port });
    const env = Object.fromEntries((container?.env ?? []).map((entry) => [entry.name, entry.value]));
    expect(env.WATCH_NAMESPACES).toBe(
      fleet.clusters
        .map((cluster) => cluster.name)
        .sort()
        .join(","),
    );
    expect(env.PROMETHEUS_URL).toBe(`http://prometheus-operated.${fleet.monitoring.namespace}.svc:9090`);
    expect(pod.serviceAccountName).toBe(spec.name);
    // The fleet's PodMonitor finds the controller by this label and port name.
    expect(deploymentSpec.template.metadata.labels).toMatchObject(CONTROLLER.podLabel);
    expect(container?.ports).toEqual([{ name: CONTROLLER.port, containerPort: 8080, protocol: "TCP" }]);
    const [pdb] = byKind("PodDisruptionBudget");
    expect(pdb?.spec).toEqual({ minAvailable: 1, selector: { matchLabels: CONTROLLER.podLabel } });
    expect(byKind("Namespace")[0]?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe(
      "restricted",
    );
  });

  it("its alerts and scrape config read metrics the controller really exports", async () => {
    // The fleet's Monitoring component carries them: the controller's PodMonitor and rule area.
    const monitoring = renderFleet(fleet).monitoring;
    const rule = monitoring.find(
      (object) => object.kind === "PrometheusRule" && object.metadata.name === "agent-fleet-controller",
    );
    type Alert = { alert: string; expr: string; annotations: Record<string, string> };
    const groups = (rule?.spec as { groups: Array<{ rules: Alert[] }> } | undefined)?.groups ?? [];
    const rules = groups[0]?.rules ?? [];
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "AgentFleetControllerDown",
        "AgentFleetControllerNoLeader",
        "AgentRolloutStuck",
      ]),
    );
    for (const alert of rules)
      expect(Object.keys(alert.annotations).sort()).toEqual(["description", "runbook_url", "summary"]);
    const exported = new Set(
      (await new ControllerMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name),
    );
    const used = rules.flatMap((r) => r.expr.match(/agentfleet_[a-z_]+/g) ?? []);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(exported).toContain(name);
    const podMonitor = monitoring.find(
      (object) => object.kind === "PodMonitor" && object.metadata.name === CONTROLLER.name,
    );
    expect(podMonitor?.spec).toMatchObject({
      selector: { matchLabels: CONTROLLER.podLabel },
      podMetricsEndpoints: [{ port: CONTROLLER.port, path: "/metrics" }],
    });
  });

  it("queries the Prometheus named by release.prometheusUrl and lets only that traffic out", () => {
    const specOf = <T>(objects: KubeObject[], matches: (object: KubeObject) => boolean): T => {
      const found = objects.find(matches);
      if (!found) throw new Error("object not rendered");
      return found.spec as T;
    };
    type Egress = { egress: Array<{ to?: unknown[]; ports: Array<{ port: number }> }> };
    const egressOf = (objects: KubeObject[]) =>
      specOf<Egress>(objects, (object) => object.metadata.name === `${spec.name}-allow-egress`).egress;
    // Default: the fleet's own Prometheus, in the monitoring namespace.
    expect(egressOf(objects)).toContainEqual({
      to: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": fleet.monitoring.namespace } } },
      ],
      ports: [{ protocol: "TCP", port: 9090 }],
    });

    const thanos = rolloutControllerSpec({
      ...fleet,
      release: {
        ...fleet.release,
        prometheusUrl: "http://thanos-query.observability.svc.cluster.local:10902",
      },
    });
    expect(thanos.prometheusUrl).toBe("http://thanos-query.observability.svc.cluster.local:10902");
    const thanosObjects = buildRolloutControllerObjects(thanos);
    const container = specOf<{ template: { spec: PodSpec } }>(
      thanosObjects,
      (object) => object.kind === "Deployment",
    ).template.spec.containers[0];
    expect(container?.env).toContainEqual({ name: "PROMETHEUS_URL", value: thanos.prometheusUrl });
    expect(egressOf(thanosObjects)).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
      ports: [{ protocol: "TCP", port: 10902 }],
    });
    expect(egressOf(thanosObjects)).not.toContainEqual(
      expect.objectContaining({ ports: [{ protocol: "TCP", port: 9090 }] }),
    );
  });

  it("reads the port and in-cluster namespace from a Prometheus URL", () => {
    expect(prometheusPeerOf("http://prometheus-operated.monitoring.svc:9090")).toEqual({
      namespace: "monitoring",
      port: 9090,
    });
    expect(prometheusPeerOf("https://prometheus.example.com")).toEqual({ port: 443 });
    expect(prometheusPeerOf("http://10.0.0.7")).toEqual({ port: 80 });
  });
});
