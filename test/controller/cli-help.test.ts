/**
 * `--help` and `--version` of `agent-fleet rollout` (src/controller/cli/help.ts): every command
 * answers with its usage, flags, examples and exit codes, without touching a cluster; the README
 * shows the same texts; the launcher refuses a Node too old with a message instead of a stack trace.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript launcher module, no types
import { nodeTooOld } from "../../bin/node-version.mjs";
import { runCli } from "../../src/controller/cli/commands.ts";
import { COMMAND_NAMES, commandHelp, rolloutHelp } from "../../src/controller/cli/help.ts";
import { infoRequest } from "../../src/controller/cli/options.ts";
import type { Cluster } from "../../src/controller/kube/cluster.ts";

const ROOT = join(import.meta.dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** A cluster that fails the test if anything asks it. */
const untouchable = new Proxy({} as Cluster, {
  get(_target, property) {
    throw new Error(`--help must not use the cluster (asked for ${String(property)})`);
  },
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      env: {},
    },
  };
}

describe("agent-fleet rollout --help", () => {
  it("answers --help, -h and <command> --help with the right text, and --version with the package's", () => {
    expect(infoRequest(["--help"], () => "1.2.3")?.print).toBe(rolloutHelp());
    expect(infoRequest(["-h"], () => "1.2.3")?.print).toBe(rolloutHelp());
    expect(infoRequest(["promote", "ingest", "--help"], () => "1.2.3")?.print).toBe(commandHelp("promote"));
    expect(infoRequest(["abort", "-h"], () => "1.2.3")?.print).toBe(commandHelp("abort"));
    expect(infoRequest(["--version"], () => "1.2.3")?.print).toBe("agent-fleet 1.2.3");
    expect(infoRequest(["status", "ingest", "-n", "x"], () => "1.2.3")).toBeUndefined();
  });

  it("gives every command its usage, flags, examples and exit codes, naming the flags it takes", () => {
    for (const name of COMMAND_NAMES) {
      const text = commandHelp(name);
      expect(text).toContain(`Usage:\n  agent-fleet rollout ${name} <agent>`);
      for (const part of [
        "Flags:",
        "--namespace",
        "--help",
        "Examples:",
        `agent-fleet rollout ${name} ingest`,
        "Exit codes:",
      ])
        expect(text, `${name} --help`).toContain(part);
      expect(rolloutHelp()).toContain(`  ${name} `);
    }
    expect(commandHelp("promote")).toContain("--step <gate>");
    expect(commandHelp("abort")).toContain("--replace");
    expect(commandHelp("status")).not.toContain("--replace");
    expect(commandHelp("pause")).toMatch(/5 {2}refused or superseded/);
  });

  it("prints help on stdout and exits 0 without asking the cluster; a bad flag still exits 2", async () => {
    const help = capture();
    expect(await runCli(["watch", "--help"], help.io, untouchable)).toBe(0);
    expect(help.out.join("")).toBe(`${commandHelp("watch")}\n`);
    expect(help.err).toEqual([]);
    const version = capture();
    expect(await runCli(["--version"], version.io, untouchable)).toBe(0);
    expect(version.out.join("")).toBe(`agent-fleet ${VERSION}\n`);
    const bad = capture();
    expect(await runCli(["status", "ingest", "--bogus"], bad.io, untouchable)).toBe(2);
    expect(bad.err.join("")).toMatch(/--bogus[\s\S]*agent-fleet rollout --help/);
  });

  it("the README shows every help text as the CLI prints it", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const text of [rolloutHelp(), ...COMMAND_NAMES.map(commandHelp)]) expect(readme).toContain(text);
  });
});

describe("the agent-fleet launcher (bin/agent-fleet.mjs)", () => {
  const launch = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin/agent-fleet.mjs"), ...args], { encoding: "utf8" });

  it("runs the command on the Node that runs it: help and version through a real process", () => {
    const help = launch("rollout", "status", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(`${commandHelp("status")}\n`);
    const version = launch("--version");
    expect(version.stdout.trim()).toBe(`agent-fleet ${VERSION}`);
    const unknown = launch("deploy");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "deploy"/);
  });

  it("refuses a Node older than 22 with what to do, and accepts 22 and newer", () => {
    expect(nodeTooOld("20.20.2", "/usr/bin/node")).toMatch(
      /needs Node\.js 22 or newer; this is Node\.js 20\.20\.2 \(\/usr\/bin\/node\)[\s\S]*newer node first on PATH/,
    );
    expect(nodeTooOld("22.0.0", "/x/node")).toBeUndefined();
    expect(nodeTooOld("24.3.1", "/x/node")).toBeUndefined();
  });
});
