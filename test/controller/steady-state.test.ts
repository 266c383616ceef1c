/**
 * Steady state costs the API server nothing: once three AgentRollouts (one per router that
 * writes Kubernetes objects) are Healthy, reconciles keep running on resync but the controller
 * writes nothing: no HTTPRoute, Deployment or Service update and no status patch. The sandbox
 * API defaults fields as kube-apiserver does (HTTPRoute backendRef group/kind/weight, Deployment
 * strategy and pod template, Service type and ports), so a comparison that took server defaults
 * for drift would show up here as a write per reconcile.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  type Harness,
  readStatus,
  releaseVersion,
  startHarness,
  waitFor,
} from "./support/harness.ts";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Waits for the settling writes to end, then asserts none at all over five resyncs of each rollout. */
async function expectNoWritesAtSteadyState(writes: string[], reconciles: () => number): Promise<void> {
  // Settling writes (observedGeneration, conditions catching up) end quickly; then none at all.
  // Quiet means three resyncs of each rollout without a write, counted in reconciles rather than
  // wall time: a busy machine that stalls the controller does not make it look quiet.
  let seen = writes.length;
  let quietSince = reconciles();
  await waitFor(
    "writes to stop",
    async () => {
      if (writes.length !== seen) {
        seen = writes.length;
        quietSince = reconciles();
      }
      return reconciles() >= quietSince + 9;
    },
    (quiet) => quiet,
    30_000,
  );
  const before = { writes: writes.length, reconciles: reconciles() };
  await waitFor(
    "at least five resyncs of each rollout",
    async () => reconciles(),
    (count) => count >= before.reconciles + 15,
    30_000,
  );
  expect(writes.slice(before.writes)).toEqual([]);
}

describe("steady state", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it("makes zero write requests while three healthy AgentRollouts are reconciled again and again", async () => {
    const writes: string[] = [];
    harness = await startHarness({
      onRequest: (method, path, _query, userAgent) => {
        if (WRITE_METHODS.has(method) && userAgent.startsWith("agent-fleet-rollout-controller/"))
          writes.push(`${method} ${path}`);
      },
    });
    await createAgent(harness, { agent: "ingest", minReplicas: 2 });
    await createAgent(harness, {
      agent: "export",
      router: "serviceSelector",
      minReplicas: 2,
      blueGreen: { scaleDownDelaySeconds: 1, autoPromote: true },
    });
    await createAgent(harness, { agent: "enrich", router: "replicaRatio", minReplicas: 2 });
    // Leader election renews its Lease by design; without it every write would be the controller's own choice.
    const app = await harness.startController({ LEADER_ELECTION: "false", RESYNC_SECONDS: "0.2" });
    for (const name of ["ingest", "export", "enrich"]) {
      await waitFor(
        `${name} Healthy`,
        () => readStatus(harness as Harness, name),
        (status) => status.phase === "Healthy",
      );
    }
    expect(writes.some((write) => write.includes("/httproutes"))).toBe(true);

    await expectNoWritesAtSteadyState(writes, () => app.controller()?.reconciles ?? 0);

    // After a release the idle track is at 0 and traffic is on green: just as quiet.
    for (const name of ["ingest", "export", "enrich"]) await releaseVersion(harness, "1.1.0", name);
    for (const name of ["ingest", "export", "enrich"]) {
      await waitFor(
        `${name} released`,
        () => readStatus(harness as Harness, name),
        (status) => status.phase === "Healthy" && status.activeTrack === "green",
      );
    }
    await expectNoWritesAtSteadyState(writes, () => app.controller()?.reconciles ?? 0);
    // The objects the controller manages are all there, so the silence is not an absence of work.
    const route = await harness.cluster.get(
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", plural: "httproutes" },
      { namespace: NAMESPACE, name: "ingest" },
    );
    const spec = route?.spec as { rules?: Array<{ backendRefs?: unknown[] }> } | undefined;
    const backendRefs = spec?.rules?.[0]?.backendRefs;
    expect(backendRefs).toMatchObject([
      { group: "", kind: "Service", name: "ingest-blue", weight: 0 },
      { group: "", kind: "Service", name: "ingest-green", weight: 100 },
    ]);
  });
});
