/**
 * Alert thresholds and SLO objectives that make an alert fire on the first event (or never), in
 * `monitoring.thresholds` / `monitoring.slo` and in the per-agent overrides.
 */
import { describe, expect, it } from "vitest";
import { agentAt, linesAfter } from "./support/baseline.ts";

function fleetThreshold(key: string, value: number) {
  return linesAfter((raw) => {
    raw.monitoring = { thresholds: { [key]: value } };
  });
}

function fleetSlo(key: string, value: number) {
  return linesAfter((raw) => {
    raw.monitoring = { slo: { [key]: value } };
  });
}

describe("SLO objectives", () => {
  it("availability 1 leaves no error budget", () => {
    const lines = fleetSlo("availability", 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^monitoring\.slo\.availability: 1 leaves no error budget/);
    expect(lines[0]).toContain("first failed record");
    expect(lines[0]).toContain("0.999");
  });

  it("the same on an agent override is reported at the agent", () => {
    const lines = linesAfter((raw) => {
      agentAt(raw, 1).slo = { availability: 1 };
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[1\]\.slo\.availability: 1 leaves no error budget/);
  });

  it("latency 1 leaves no error budget either", () => {
    expect(fleetSlo("latency", 1)[0]).toMatch(/^monitoring\.slo\.latency: 1 leaves no error budget/);
  });

  it.each(["availability", "latency"])("%s 0 makes the burn-rate alerts unable to fire", (key) => {
    const lines = fleetSlo(key, 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^monitoring\\.slo\\.${key}: 0 `));
    expect(lines[0]).toContain("never fire");
  });

  it("objectives just below 1 are fine", () => {
    expect(fleetSlo("availability", 0.9999)).toEqual([]);
  });
});

describe("alert thresholds", () => {
  it("errorRate 0 fires on the first failed record", () => {
    const lines = fleetThreshold("errorRate", 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^monitoring\.thresholds\.errorRate: 0 /);
    expect(lines[0]).toContain("AgentErrorRateHigh");
    expect(lines[0]).toContain("first failed record");
  });

  it("the same on an agent override is reported at the agent", () => {
    const lines = linesAfter((raw) => {
      agentAt(raw, 0).alertThresholds = { errorRate: 0 };
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[0\]\.alertThresholds\.errorRate: 0 /);
  });

  it.each([
    ["throughputDropRatio", 1, "AgentThroughputDrop", "any dip"],
    ["throughputDropRatio", 0, "AgentThroughputDrop", "never fire"],
    ["dataQualityMin", 1, "AgentDataQualityLow", "first record"],
    ["dataQualityMin", 0, "AgentDataQualityLow", "never fire"],
    ["cpuWarning", 0, "AgentCPUHigh", "every running container"],
    ["memoryWarning", 0, "AgentMemoryHigh", "every running container"],
    ["cpuCritical", 1, "AgentCPUCritical", "never fire"],
    ["memoryCritical", 1, "AgentMemoryCritical", "never fire"],
  ])("%s %d is rejected (%s)", (key, value, alert, text) => {
    const lines = fleetThreshold(key, value);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^monitoring\\.thresholds\\.${key}: ${value} `));
    expect(lines[0]).toContain(alert);
    expect(lines[0]).toContain(text);
  });

  it("values strictly inside the range are fine", () => {
    expect(
      linesAfter((raw) => {
        raw.monitoring = {
          thresholds: {
            errorRate: 0.001,
            throughputDropRatio: 0.9,
            dataQualityMin: 0.999,
            cpuCritical: 0.99,
          },
        };
      }),
    ).toEqual([]);
  });
});
