/**
 * The preflight runner against fake clusters: one message listing every missing prerequisite with
 * its fix; never silent when the cluster cannot be read; an opt-out that reads nothing.
 */
import { describe, expect, it } from "vitest";
import { clusterLacking, fakeCluster, unreachableCluster } from "../../harness/fakeCluster.ts";
import { type FleetConfig, loadStack, parseFleetConfig } from "../../src/config/index.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";
import { type ClusterReader, PreflightError, runPreflight } from "../../src/preflight/index.ts";

function recorder() {
  const logs = { info: [] as string[], warn: [] as string[] };
  return { logs, log: { info: (m: string) => logs.info.push(m), warn: (m: string) => logs.warn.push(m) } };
}

const dev = loadStack("dev").fleet;

async function run(
  fleet: FleetConfig,
  cluster: () => ClusterReader | Promise<ClusterReader>,
  dryRun = false,
) {
  const { logs, log } = recorder();
  const outcome = await runPreflight(fleet, renderFleet(fleet), { cluster, dryRun, stack: "dev", log });
  return { outcome, logs };
}

async function failure(fleet: FleetConfig, cluster: ClusterReader, dryRun = false): Promise<PreflightError> {
  try {
    await run(fleet, () => cluster, dryRun);
  } catch (error) {
    if (error instanceof PreflightError) return error;
    throw error;
  }
  throw new Error("the preflight passed");
}

describe("the preflight", () => {
  it("passes a cluster with everything, saying so once", async () => {
    const cluster = fakeCluster();
    const { outcome, logs } = await run(dev, () => cluster);
    expect(outcome.outcome).toBe("passed");
    expect(cluster.asked).toHaveLength(6);
    expect(logs).toEqual({
      info: [
        'Preflight: the cluster context "fake" at https://127.0.0.1:6443 (v1.37.2) has every prerequisite checked (6 checks).',
      ],
      warn: [],
    });
  });

  it("fails with one message listing every missing prerequisite, what needs it and its fix", async () => {
    const cluster = clusterLacking(
      "PodMonitor (monitoring.coreos.com/v1)",
      "PrometheusRule (monitoring.coreos.com/v1)",
      'namespace "monitoring"',
      'StorageClass "standard"',
    );
    const error = await failure(dev, cluster);
    expect(error.message.split("\n")).toEqual([
      'Preflight: the cluster context "fake" at https://127.0.0.1:6443 (v1.37.2) lacks 3 prerequisites of stack dev; nothing was created.',
      "  - prometheus-operator CRDs: missing PodMonitor (monitoring.coreos.com/v1) (fake), PrometheusRule (monitoring.coreos.com/v1) (fake)",
      "      needed by: 2 PodMonitors, 5 PrometheusRules of this fleet",
      "      fix: install prometheus-operator, usually with the kube-prometheus-stack Helm chart (prometheus-community/kube-prometheus-stack), or only its CRDs (example/prometheus-operator-crd/ of github.com/prometheus-operator/prometheus-operator)",
      '  - namespace "monitoring" is missing: fake',
      '      needed by: 3 ConfigMaps, 5 PrometheusRules, 1 Secret placed there: monitoring.namespace ("monitoring") is the namespace of the cluster\'s Prometheus, which this program does not install',
      "      fix: install the Prometheus stack there (kube-prometheus-stack), set monitoring.namespace to the namespace your Prometheus runs in, or set monitoring.installPrometheus: true so this program creates the namespace and its own Prometheus",
      '  - StorageClass "standard" is missing: fake',
      "      needed by: clusters[0].storageClass (data volumes of ingest, enrich, export)",
      "      fix: create it (with your CSI driver's provisioner) or set clusters[0].storageClass to a StorageClass the cluster has",
      'Fix these and run again (README "Cluster prerequisites" says how each is usually installed), or, if you know the cluster has them, skip the checks: pulumi config set --path agent-fleet:preflight.enabled false',
    ]);
    expect(error.report?.missing).toHaveLength(3);
  });

  it("fails under preview too when the cluster is reachable: preview would only fail later", async () => {
    const error = await failure(dev, clusterLacking('namespace "monitoring"'), true);
    expect(error.message).toContain('namespace "monitoring" is missing');
  });

  it("preview without a reachable cluster: one warning that the preview is client-side, then continues", async () => {
    const { outcome, logs } = await run(dev, () => unreachableCluster(), true);
    expect(outcome).toEqual({ outcome: "skipped", reason: "connect ECONNREFUSED 127.0.0.1:6443" });
    expect(logs.info).toEqual([]);
    expect(logs.warn).toEqual([
      [
        'Preflight skipped: cannot read the cluster context "fake" at https://127.0.0.1:6443: connect ECONNREFUSED 127.0.0.1:6443.',
        "This preview is client-side only: nothing was checked against a cluster (prerequisites, existing objects, admission),",
        'so it cannot tell whether `pulumi up` would succeed. README "Cluster prerequisites" lists what the cluster needs.',
      ].join("\n"),
    ]);
  });

  it("up without a reachable cluster: stops before anything is registered, naming where the kubeconfig comes from", async () => {
    const error = await failure(dev, unreachableCluster(), false);
    expect(error.message.split("\n")).toEqual([
      'Preflight: cannot read the cluster context "fake" at https://127.0.0.1:6443: connect ECONNREFUSED 127.0.0.1:6443; nothing was created.',
      "Check KUBECONFIG (or ~/.kube/config), the stack's kubernetes:kubeconfig / kubernetes:context config and your credentials.",
      "If only this check cannot reach the cluster (the provider can), skip it: pulumi config set --path agent-fleet:preflight.enabled false",
    ]);
  });

  it("a Kubernetes client that cannot load counts as an unreadable cluster, not a crash", async () => {
    const { outcome, logs } = await run(
      dev,
      () => {
        throw new Error("zstd is not supported");
      },
      true,
    );
    expect(outcome.outcome).toBe("skipped");
    expect(logs.warn[0]).toContain(
      "the Kubernetes client cannot be loaded (zstd is not supported; it needs Node >= 22)",
    );
  });

  it("preflight.enabled false: reads nothing, says so once", async () => {
    const fleet = parseFleetConfig(
      {
        environment: "dev",
        resourcePool: { cpu: "16", memory: "64Gi", storage: "2Ti" },
        agents: [{ id: "a", image: "example/a", version: "1.0.0", replicas: { min: 1, max: 2 } }],
        preflight: { enabled: false },
      },
      { source: "test" },
    );
    const { outcome, logs } = await run(fleet, () => {
      throw new Error("must not be called");
    });
    expect(outcome).toEqual({ outcome: "disabled" });
    expect(logs).toEqual({
      info: [
        "Preflight disabled (agent-fleet:preflight.enabled is false): the cluster's prerequisites are not checked.",
      ],
      warn: [],
    });
  });

  it("unanswered probes (no permission) and a registered but unavailable API warn, never block", async () => {
    const cluster = fakeCluster((probe) => {
      if (probe.kind === "storageClass") return { state: "unknown", detail: "no permission: HTTP 403" };
      if (probe.kind === "apiService")
        return {
          state: "present",
          warning: "v1beta1.custom.metrics.k8s.io is registered but not Available (MissingEndpoints)",
        };
      return { state: "present" };
    });
    const { outcome, logs } = await run(dev, () => cluster);
    expect(outcome.outcome).toBe("passed");
    expect(logs.info).toEqual([]);
    expect(logs.warn).toHaveLength(1);
    expect(logs.warn[0]?.split("\n")).toEqual([
      'Preflight: the cluster context "fake" at https://127.0.0.1:6443 (v1.37.2) has every prerequisite it could check; continuing, but:',
      "Not checked (the reader was refused or timed out):",
      '  - StorageClass "standard": could not check StorageClass "standard" (no permission: HTTP 403)',
      '  if one of them is missing, resources that need it fail or time out (README "Cluster prerequisites").',
      "Present but not working:",
      "  - custom metrics API (custom.metrics.k8s.io): APIService v1beta2.custom.metrics.k8s.io or v1beta1.custom.metrics.k8s.io (v1beta1.custom.metrics.k8s.io is registered but not Available (MissingEndpoints))",
      "      needed by: the HPAs of enrich, export, ingest scale on per-pod throughput, queue depth and p95 latency (autoscaling.*)",
    ]);
  });
});
