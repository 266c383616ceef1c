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
  routeWeights,
  startHarness,
  waitFor,
  waitForStatus,
} from "./support/harness.ts";

describe("canary release with failing analysis", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
    await createAgent(harness, { version: "1.0.0", minReplicas: 4 });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
  });
  afterEach(async () => {
    await harness.close();
  });

  it("aborts: traffic reads back 100/0 on stable, canary at 0, stable never under full size", async () => {
    const stable = recordTrackUnderTraffic(harness, "blue");
    const canary = recordTrackUnderTraffic(harness, "green");
    harness.prometheus.setTrack("green", BAD_ERRORS);
    await releaseVersion(harness, "1.1.0");
    const aborted = await waitForStatus(harness, "Degraded", (s) => s.phase === "Degraded");

    expect(aborted.weights).toEqual({ blue: 100, green: 0 });
    expect(await routeWeights(harness)).toEqual({ blue: 100, green: 0 });
    const degraded = aborted.conditions?.find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "AnalysisFailed" });
    expect(degraded?.message).toContain("error-rate = 0.2000 (must be <= 0.01)");
    expect(aborted.message).toContain("error-rate = 0.2000");
    await waitFor(
      "canary scaled to 0",
      () => deploymentReplicas(harness, "green"),
      (replicas) => replicas === 0,
    );
    // The canary never got more than the first step's traffic, the stable track never shrank.
    expect(Math.max(...canary.map((sample) => sample.traffic))).toBe(5);
    expect(stable.every((sample) => sample.replicas === 4)).toBe(true);

    const { items } = await harness.cluster.list(KINDS.event, { namespace: NAMESPACE });
    const abortEvent = items.find((event) => event.reason === "RolloutAborted");
    expect(abortEvent).toMatchObject({ type: "Warning" });
    expect(String(abortEvent?.message)).toContain("error-rate = 0.2000");
    const audit = harness.logs.audit("abort");
    expect(audit).toHaveLength(1);
    expect(audit[0]?.metrics?.find((m) => m.metric === "error-rate")).toMatchObject({
      phase: "Failed",
      value: 0.2,
    });
  });
});
