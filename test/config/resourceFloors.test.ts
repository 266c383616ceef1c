/** Container limits too small for any pod to run with (requests are derived from them). */
import { describe, expect, it } from "vitest";
import { agentAt, linesAfter } from "./support/baseline.ts";

function withLimit(resource: "cpu" | "memory" | "storage", value: string | number) {
  return linesAfter((raw) => {
    const agent = agentAt(raw, 0);
    agent.resources = { limits: { cpu: "1", memory: "2Gi", storage: "20Gi", [resource]: value } };
  });
}

describe("resource floors", () => {
  it.each(["0", "0m", 0, "5m", "9m"])("cpu %j is below the 10m floor", (value) => {
    const lines = withLimit("cpu", value);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[0\]\.resources\.limits\.cpu: "?[0-9m]+"? is below 10m/);
    expect(lines[0]).toContain("CFS");
  });

  it.each([10, "1Ki", "1Mi", "15Mi"])("memory %j is below the 16Mi floor", (value) => {
    const lines = withLimit("memory", value);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[0\]\.resources\.limits\.memory: "?[0-9A-Za-z]+"? is below 16Mi/);
    expect(lines[0]).toContain("OOM");
  });

  it.each(["0", "1Mi", "1500Ki"])("storage %j is below the 2Mi floor", (value) => {
    const lines = withLimit("storage", value);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[0\]\.resources\.limits\.storage: "[0-9A-Za-z]+" is below 2Mi/);
    expect(lines[0]).toContain("claim");
  });

  it.each([
    ["cpu", "10m"],
    ["memory", "16Mi"],
    ["storage", "2Mi"],
  ] as const)("%s at the floor (%s) is accepted", (resource, value) => {
    expect(withLimit(resource, value)).toEqual([]);
  });

  it("a value that is no quantity at all still gets only the quantity message", () => {
    expect(withLimit("cpu", "lots")).toEqual([
      'agents[0].resources.limits.cpu: "lots" is not a CPU quantity (examples: 2, 500m, 0.25)',
    ]);
  });
});
