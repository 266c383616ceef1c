/**
 * The monitoring tests run on the generation they claim: the selected generation's four binaries
 * report its versions (Debian's 2.x / 0.2x, or exactly the toolchain's pinned 3.x / 0.28+).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  monitoringBinaries,
  sandboxEnvironment,
  selectedGeneration,
} from "../../harness/monitoringGeneration.ts";

/** `prometheus, version 2.42.0+ds (branch: …)` → `2.42.0+ds`. */
function reportedVersion(binary: string): string {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const match = `${result.stdout}${result.stderr}`.match(/version (\S+)/);
  if (!match?.[1])
    throw new Error(`${binary} --version printed no version: ${result.stdout}${result.stderr}`);
  return match[1];
}

describe(`monitoring generation ${selectedGeneration()}`, () => {
  const binaries = monitoringBinaries();

  it("runs Prometheus and promtool of its version", () => {
    expect(reportedVersion(binaries.prometheus)).toMatch(binaries.expectedVersions.prometheus);
    expect(reportedVersion(binaries.promtool)).toMatch(binaries.expectedVersions.prometheus);
  });

  it("runs Alertmanager and amtool of its version", () => {
    expect(reportedVersion(binaries.alertmanager)).toMatch(binaries.expectedVersions.alertmanager);
    expect(reportedVersion(binaries.amtool)).toMatch(binaries.expectedVersions.alertmanager);
  });

  it("points the sandbox at the same Prometheus and Alertmanager", () => {
    expect(process.env).toMatchObject(sandboxEnvironment(binaries));
  });
});

describe("choosing a generation", () => {
  it("is Debian's unless AGENT_FLEET_MONITORING_GENERATION says current", () => {
    expect(selectedGeneration({})).toBe("debian");
    expect(selectedGeneration({ AGENT_FLEET_MONITORING_GENERATION: "current" })).toBe("current");
  });

  it("rejects an unknown generation, naming the variable and the choices", () => {
    expect(() => selectedGeneration({ AGENT_FLEET_MONITORING_GENERATION: "3.x" })).toThrow(
      "AGENT_FLEET_MONITORING_GENERATION=3.x: use one of debian, current",
    );
  });
});
