import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/index.ts";
import type { AgentRolloutSpec } from "../../src/crd/agentRollout.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";
import { sandboxFleet } from "../../src/sandbox/timeScale.ts";

function ingestAnalysis(rendered: ReturnType<typeof renderFleet>) {
  const rollout = rendered.agents.ingest?.find((object) => object.kind === "AgentRollout");
  return (rollout?.spec as AgentRolloutSpec | undefined)?.strategy.canary;
}

describe("the fleet as the sandbox runs it", () => {
  const { fleet } = loadStack("dev");

  it("looks at the evidence at the sandbox's scrape cadence, not the stack's", () => {
    expect(fleet.monitoring.scrapeInterval).not.toBe("1s");
    const stack = ingestAnalysis(renderFleet(fleet));
    const sandbox = ingestAnalysis(renderFleet(sandboxFleet(fleet, 10, 0.5)));
    expect(stack?.analysis.evidence?.lookIntervalSeconds).toBeGreaterThan(1);
    expect(sandbox?.analysis.evidence?.lookIntervalSeconds).toBe(0.5);
  });

  it("compresses pauses and the analysis interval by the time scale, with a one-second floor", () => {
    const stack = ingestAnalysis(renderFleet(fleet));
    const sandbox = ingestAnalysis(renderFleet(sandboxFleet(fleet, 10, 1)));
    expect(sandbox?.analysis.intervalSeconds).toBe(
      Math.max(1, Math.round((stack?.analysis.intervalSeconds ?? 0) / 10)),
    );
    expect(sandbox?.steps.map((step) => step.pause?.durationSeconds)).toEqual(
      stack?.steps.map((step) =>
        step.pause?.durationSeconds === undefined
          ? undefined
          : Math.max(1, Math.round(step.pause.durationSeconds / 10)),
      ),
    );
  });
});
