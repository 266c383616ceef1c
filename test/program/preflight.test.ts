/**
 * The program's order under mocks: config, render and preflight all come before the first
 * resource. A cluster that lacks prerequisites (or that `up` cannot reach) gets nothing
 * registered; what the program owns (the monitoring namespace of an own Prometheus) it creates.
 */
import { describe, expect, it } from "vitest";
import { clusterLacking, fakeCluster, unreachableCluster } from "../../harness/fakeCluster.ts";
import { failedRunUnderMocks, runStackUnderMocks, stackRun } from "../../harness/pulumiStack.ts";
import { PreflightError } from "../../src/preflight/index.ts";

describe("the preflight in the program", () => {
  it("a cluster without the prerequisites: one PreflightError, no resource registered", async () => {
    const cluster = clusterLacking("PodMonitor (monitoring.coreos.com/v1)", 'namespace "monitoring"');
    const { error, resources } = await failedRunUnderMocks(stackRun("dev", { cluster }));
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      /^Preflight: the cluster .* lacks 2 prerequisites of stack dev; nothing was created\./,
    );
    expect(resources).toEqual([]);
  });

  it("up without a reachable cluster: stops, no resource registered", async () => {
    const { error, resources } = await failedRunUnderMocks(
      stackRun("dev", { cluster: unreachableCluster() }),
    );
    expect((error as Error).message).toContain("Preflight: cannot read the cluster");
    expect(resources).toEqual([]);
  });

  it("preview without a reachable cluster: says once that it is client-side, then previews everything", async () => {
    const { resources, logs } = await runStackUnderMocks("dev", undefined, {
      cluster: unreachableCluster(),
      dryRun: true,
    });
    expect(logs.warn).toHaveLength(1);
    expect(logs.warn[0]).toMatch(
      /^Preflight skipped: cannot read the cluster .*\nThis preview is client-side only/,
    );
    expect(resources.length).toBeGreaterThan(50);
  });

  it("preflight.enabled false: the cluster is never read", async () => {
    const cluster = fakeCluster();
    const { logs, resources } = await runStackUnderMocks("dev", undefined, {
      cluster,
      extraConfig: { "agent-fleet:preflight": JSON.stringify({ enabled: false }) },
    });
    expect(cluster.asked).toEqual([]);
    expect(logs.info).toEqual([
      "Preflight disabled (agent-fleet:preflight.enabled is false): the cluster's prerequisites are not checked.",
    ]);
    expect(resources.length).toBeGreaterThan(50);
  });

  it("a config error comes before the preflight reads anything", async () => {
    const cluster = fakeCluster();
    const { error, resources } = await failedRunUnderMocks(
      stackRun("dev", {
        cluster,
        extraConfig: { "agent-fleet:preflight": JSON.stringify({ enabled: "no" }) },
      }),
    );
    expect((error as Error).message).toContain("preflight.enabled: is a string, expected a boolean");
    expect(cluster.asked).toEqual([]);
    expect(resources).toEqual([]);
  });
});

describe("what the program owns, it creates", () => {
  it("with monitoring.installPrometheus: the monitoring Namespace, which every object placed there waits for", async () => {
    const cluster = fakeCluster();
    const monitoring = { selectorLabels: { release: "agent-fleet" }, installPrometheus: true };
    const { resources } = await runStackUnderMocks("dev", undefined, {
      cluster,
      extraConfig: { "agent-fleet:monitoring": JSON.stringify(monitoring) },
    });
    const namespace = resources.find(
      (resource) => resource.type === "kubernetes:core/v1:Namespace" && resource.name === "monitoring",
    );
    expect(namespace).toBeDefined();
    const placed = resources.filter((resource) => resource.name.startsWith("monitoring/"));
    expect(placed.length).toBeGreaterThanOrEqual(9);
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const waitsFor = (urn: string, target: string, seen = new Set<string>()): boolean => {
      if (seen.has(urn)) return false;
      seen.add(urn);
      const dependencies = byUrn.get(urn)?.dependencies ?? [];
      return dependencies.includes(target) || dependencies.some((next) => waitsFor(next, target, seen));
    };
    for (const resource of placed)
      expect(waitsFor(resource.urn, namespace?.urn ?? ""), resource.name).toBe(true);
    // …and the preflight does not ask for it.
    expect(cluster.asked).not.toContainEqual({ kind: "namespace", name: "monitoring" });
  });

  it("without it: the cluster's Prometheus namespace is a prerequisite, not created", async () => {
    const cluster = fakeCluster();
    const { resources } = await runStackUnderMocks("dev", undefined, { cluster });
    expect(cluster.asked).toContainEqual({ kind: "namespace", name: "monitoring" });
    expect(
      resources.some(
        (resource) => resource.type === "kubernetes:core/v1:Namespace" && resource.name === "monitoring",
      ),
    ).toBe(false);
  });
});

describe("dev stack without its webhook secret", () => {
  it("turns the webhook off with one warning; the Alertmanager config routes to nothing", async () => {
    const { logs, resources } = await runStackUnderMocks("dev", undefined, { backendSecrets: false });
    expect(logs.warn).toHaveLength(1);
    expect(logs.warn[0]).toContain(
      "alerting.receivers.webhook is off: it needs the secret `webhookBearerToken`; run `pulumi config set --secret webhookBearerToken <value>`",
    );
    const secret = resources.find((resource) => resource.name === "monitoring/alertmanager-agent-fleet");
    const yaml = JSON.stringify(secret?.inputs.stringData);
    expect(yaml).not.toContain("webhook");
    expect(yaml).toContain("blackhole");
  });
});

describe("src/index.ts", () => {
  it("shows config, capacity and preflight errors as their message alone (pulumi.RunError, no stack trace)", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { asRunError } = await import("../../src/program.ts");
    const preflight = new PreflightError("Preflight: the cluster … lacks 1 prerequisite");
    const shown = asRunError(preflight);
    expect(pulumi.RunError.isInstance(shown)).toBe(true);
    expect((shown as Error).message).toBe(preflight.message);
    const bug = new TypeError("x is undefined");
    expect(asRunError(bug)).toBe(bug);
  });
});
