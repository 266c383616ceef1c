import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import { GOOD } from "./support/fakePrometheus.ts";
import {
  createAgent,
  type Harness,
  readStatus,
  recordStatuses,
  releaseVersion,
  startHarness,
  waitForIntervals,
  waitForStatus,
} from "./support/harness.ts";

describe("analysis without data or without Prometheus", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("Prometheus down: holds the weights, says why, and continues when it is back", async () => {
    await createAgent(harness, {
      minReplicas: 2,
      steps: [{ setWeight: 20 }, { setWeight: 60 }, { setWeight: 100 }],
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    await harness.prometheus.setMode("down");
    const statuses = recordStatuses(harness);
    await releaseVersion(harness, "1.1.0");
    const blind = await waitForStatus(harness, "blind", (s) =>
      Boolean(s.conditions?.some((c) => c.type === "AnalysisAvailable" && c.status === "False")),
    );
    const condition = blind.conditions?.find((c) => c.type === "AnalysisAvailable");
    expect(condition?.reason).toBe("ProviderUnavailable");
    expect(condition?.message).toMatch(/Prometheus .*(unreachable|circuit open|unavailable)/);
    expect(condition?.message).toContain("holding current weights");
    await waitForIntervals(harness, 5); // while blind
    const held = await readStatus(harness);
    expect(held.currentStepIndex).toBe(0);
    expect(held.phase).toBe("Analysing");
    expect(held.weights).toEqual({ blue: 80, green: 20 });
    expect(held.analysis).toMatchObject({ successes: 0, failures: 0, inconclusives: 0 });
    expect(held.message).toContain("holding current weights");
    expect(harness.logs.audit("hold")).toHaveLength(1);

    harness.prometheus.setTrack("green", GOOD);
    await harness.prometheus.setMode("up");
    const done = await waitForStatus(
      harness,
      "Healthy on green",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
    );
    expect(done.conditions?.find((c) => c.type === "AnalysisAvailable")?.status).toBe("True");
    const greenWhileBlind = statuses.filter((s: AgentRolloutStatus) =>
      s.conditions?.some((c) => c.type === "AnalysisAvailable" && c.status === "False"),
    );
    expect(greenWhileBlind.every((s) => (s.weights?.green ?? 0) <= 20)).toBe(true);
  });
});
