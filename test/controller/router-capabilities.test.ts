import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import {
  createAgent,
  type Harness,
  recordStatuses,
  releaseVersion,
  startHarness,
  waitForStatus,
} from "./support/harness.ts";

describe("what each router can do", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("reports the share the pod counts achieve, not the one the step asked for", async () => {
    await createAgent(harness, {
      router: "replicaRatio",
      minReplicas: 4,
      steps: [{ setWeight: 5 }, { setWeight: 50 }, { setWeight: 100 }],
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    const statuses = recordStatuses(harness);
    await releaseVersion(harness, "1.1.0");
    await waitForStatus(
      harness,
      "Healthy on green",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
    );
    const analysed = statuses.filter((s: AgentRolloutStatus) => s.canaryRevision && s.stepStartedAt);
    const byStep = new Map(analysed.map((s) => [s.currentStepIndex, s.weights?.green]));
    // 5% asks for one canary pod beside four stable ones: 20% is what actually happens.
    expect(byStep.get(0)).toBe(20);
    expect(byStep.get(1)).toBe(50);
    expect(byStep.get(2)).toBe(100);
  });
});
