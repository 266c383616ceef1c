/** The CLI status view of an evidence analysis: Inconclusive with its reason, records per track, both rates. */
import { describe, expect, it } from "vitest";
import { renderRollout } from "../../src/controller/cli/view.ts";
import { agentRollout } from "./support/fixtures.ts";

describe("rollout status view with evidence", () => {
  it("shows the verdict, why it is Inconclusive, and each check's samples and rates", () => {
    const rollout = agentRollout({
      analysis: {
        evidence: {
          lookIntervalSeconds: 30,
          confidence: 0.95,
          maxErrorRate: 0.01,
          maxErrorRateOverStable: 0.005,
          maxSlowShareOverStable: 0.05,
        },
      },
    });
    rollout.status = {
      phase: "Analysing",
      activeTrack: "blue",
      stableRevision: "r1",
      canaryRevision: "r2",
      currentStepIndex: 0,
      analysis: {
        successes: 1,
        failures: 0,
        inconclusives: 0,
        verdict: "Inconclusive",
        verdictReason:
          "not enough evidence yet: canary 120/445 records (gathering evidence: not counted against inconclusiveLimit)",
        lastMeasurements: [
          {
            metric: "error-rate-vs-stable",
            phase: "Inconclusive",
            inconclusiveReason: "NotEnoughEvidence",
            samples: { canary: 120, stable: 2280 },
            canaryValue: 0,
            stableValue: 0.001,
            value: -0.001,
            at: "2030-01-01T00:01:00.000Z",
          },
          { metric: "data-quality", phase: "Successful", value: 0.99, at: "2030-01-01T00:01:00.000Z" },
        ],
      },
    };
    const text = renderRollout(rollout);
    expect(text).toContain(
      "evidence Inconclusive: not enough evidence yet: canary 120/445 records (gathering evidence: not counted against inconclusiveLimit)",
    );
    expect(text).toContain(
      "last: error-rate-vs-stable: canary 0% of 120 vs stable 0.1% of 2280 ? (NotEnoughEvidence)  data-quality=0.99 ✓",
    );
  });
});
