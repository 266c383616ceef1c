import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import {
  createAgent,
  deploymentReplicas,
  type Harness,
  recordStatuses,
  recordTrackUnderTraffic,
  releaseVersion,
  routeWeights,
  startHarness,
  waitForStatus,
} from "./support/harness.ts";

describe("canary release with passing analysis", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("walks 5 → 25 → 50 → 100, ends Healthy on the new track with the old one at 0", async () => {
    await createAgent(harness, { version: "1.0.0", minReplicas: 4 });
    await harness.startController();
    const initial = await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    expect(initial.activeTrack).toBe("blue");
    expect(await routeWeights(harness)).toEqual({ blue: 100, green: 0 });

    const statuses = recordStatuses(harness);
    const stable = recordTrackUnderTraffic(harness, "blue");
    await releaseVersion(harness, "1.1.0");
    const done = await waitForStatus(
      harness,
      "release complete",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
      20_000,
    );

    // Every step's weight was verified on the route, in order.
    const verified = statuses
      .filter((s: AgentRolloutStatus) => s.canaryRevision && s.stepStartedAt)
      .map((s) => s.weights?.green);
    expect([...new Set(verified)]).toEqual([5, 25, 50, 100]);
    expect(done.stableRevision).not.toBe(initial.stableRevision);
    expect(done.weights).toEqual({ blue: 0, green: 100 });
    expect(await routeWeights(harness)).toEqual({ blue: 0, green: 100 });
    expect(await deploymentReplicas(harness, "green")).toBe(4);
    expect(await deploymentReplicas(harness, "blue")).toBe(0);
    // The old stable track stayed at full size whenever it had traffic; it went to 0 only after.
    expect(stable.length).toBeGreaterThan(3);
    expect(stable.filter((sample) => sample.traffic > 0).every((sample) => sample.replicas === 4)).toBe(true);
    expect(stable.at(-1)).toEqual({ replicas: 0, traffic: 0 });
    // The analysis ran against the canary track only.
    const scoped = harness.prometheus.queries.filter((q) => q.includes("track="));
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((q) => q.includes('track="green"'))).toBe(true);
    expect(harness.logs.audit("promote")).toHaveLength(1);
  });
});
