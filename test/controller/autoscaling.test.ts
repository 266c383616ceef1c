import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { BAD_ERRORS } from "./support/fakePrometheus.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  deploymentReplicas,
  type Harness,
  recordTrackUnderTraffic,
  releaseVersion,
  scaleTo,
  startHarness,
  waitFor,
  waitForStatus,
} from "./support/harness.ts";

async function scaleView(harness: Harness) {
  const response = await fetch(
    `${harness.api.url}/apis/agentfleet.dev/v1alpha1/namespaces/${NAMESPACE}/agentrollouts/ingest/scale`,
  );
  return (await response.json()) as {
    spec: { replicas: number };
    status: { replicas: number; selector?: string };
  };
}

describe("autoscaler and canary together", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
    // The release holds at 25% (manual pause) so the autoscaler acts mid-canary.
    await createAgent(harness, { minReplicas: 4, steps: [{ setWeight: 25, pause: {} }, { setWeight: 100 }] });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
  });
  afterEach(async () => {
    await harness.close();
  });

  it("sizes the stable track from the scale subresource and the canary by weight", async () => {
    const initial = await scaleView(harness);
    expect(initial.status).toEqual({ replicas: 4, selector: "agent=ingest,track=blue" });

    await releaseVersion(harness, "1.1.0");
    await waitForStatus(harness, "paused at 25%", (s) => s.phase === "Paused" && s.weights?.green === 25);
    expect(await deploymentReplicas(harness, "green")).toBe(1);

    await scaleTo(harness, 10);
    await waitFor(
      "stable at 10",
      () => deploymentReplicas(harness, "blue"),
      (replicas) => replicas === 10,
    );
    await waitFor(
      "canary at 25% of 10",
      () => deploymentReplicas(harness, "green"),
      (replicas) => replicas === 3,
    );
    const scaled = await waitFor(
      "scale status",
      () => scaleView(harness),
      (view) => view.status.replicas === 10,
    );
    expect(scaled.spec.replicas).toBe(10);
    expect(scaled.status.selector).toBe("agent=ingest,track=blue");
    // The controller never writes the desired count: only the autoscaler did.
    const rollout = await harness.cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name: "ingest" });
    expect((rollout?.spec as { replicas?: number } | undefined)?.replicas).toBe(10);
  });

  it("an abort lands on a stable track at the autoscaler's size", async () => {
    const stable = recordTrackUnderTraffic(harness, "blue");
    await releaseVersion(harness, "1.1.0");
    await waitForStatus(harness, "paused at 25%", (s) => s.phase === "Paused" && s.weights?.green === 25);
    await scaleTo(harness, 8);
    await waitFor(
      "stable at 8",
      () => deploymentReplicas(harness, "blue"),
      (replicas) => replicas === 8,
    );
    harness.prometheus.setTrack("green", BAD_ERRORS);
    const aborted = await waitForStatus(harness, "Degraded", (s) => s.phase === "Degraded");
    expect(aborted.weights).toEqual({ blue: 100, green: 0 });
    expect(await deploymentReplicas(harness, "blue")).toBe(8);
    // Before the autoscaler asked for 8, the stable track was at the full 4; never below.
    expect(stable.every((sample) => sample.replicas >= 4)).toBe(true);
    expect(stable.filter((sample) => sample.replicas === 8).length).toBeGreaterThan(0);
  });
});
