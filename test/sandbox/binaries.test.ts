/**
 * Which Prometheus and Alertmanager the sandbox runs: Debian's by default, any build a user
 * points an environment variable at, and a clear error naming that variable when it points nowhere.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveSandboxBinary, sandboxBinaryPath } from "../../src/sandbox/infra/binaries.ts";

const dir = mkdtempSync(join(tmpdir(), "agent-fleet-binaries-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, mode);
  return path;
}

describe("sandbox binaries", () => {
  it("are Debian's packages unless a variable says otherwise", () => {
    expect(sandboxBinaryPath("prometheus", {})).toBe("/usr/bin/prometheus");
    expect(sandboxBinaryPath("alertmanager", {})).toBe("/usr/bin/prometheus-alertmanager");
    expect(sandboxBinaryPath("prometheus", { AGENT_FLEET_PROMETHEUS_BINARY: "" })).toBe(
      "/usr/bin/prometheus",
    );
  });

  it("are the executables the variables point at", () => {
    const prometheus = file("prometheus", 0o755);
    const alertmanager = file("alertmanager", 0o755);
    const env = { AGENT_FLEET_PROMETHEUS_BINARY: prometheus, AGENT_FLEET_ALERTMANAGER_BINARY: alertmanager };
    expect(resolveSandboxBinary("prometheus", env)).toBe(prometheus);
    expect(resolveSandboxBinary("alertmanager", env)).toBe(alertmanager);
  });

  it("name the variable when it points at no file or at one that cannot run", () => {
    const missing = join(dir, "no-such-prometheus");
    expect(() => resolveSandboxBinary("prometheus", { AGENT_FLEET_PROMETHEUS_BINARY: missing })).toThrow(
      `AGENT_FLEET_PROMETHEUS_BINARY=${missing}: no executable Prometheus binary there`,
    );
    const notExecutable = file("alertmanager.txt", 0o644);
    expect(() =>
      resolveSandboxBinary("alertmanager", { AGENT_FLEET_ALERTMANAGER_BINARY: notExecutable }),
    ).toThrow(/^AGENT_FLEET_ALERTMANAGER_BINARY=.*alertmanager\.txt: no executable Alertmanager binary/);
  });

  it("stop `npm start` before anything starts when a chosen binary is missing", () => {
    const missing = join(dir, "no-such-alertmanager");
    const result = spawnSync(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), resolve(import.meta.dirname, "../../src/sandbox/main.ts")],
      {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, AGENT_FLEET_ALERTMANAGER_BINARY: missing },
      },
    );
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `AGENT_FLEET_ALERTMANAGER_BINARY=${missing}: no executable Alertmanager binary`,
    );
    expect(result.stdout).not.toContain("starting:");
  });
});
