/**
 * The sandbox's process supervision: whole process groups end on stop, stubborn ones are killed,
 * unexpected exits are reported, nothing is left behind — also when the parent is terminated or
 * killed outright.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type ExitInfo, ProcessSupervisor, waitForUrl } from "../../src/sandbox/infra/processes.ts";

const PARENT = fileURLToPath(new URL("./fixtures/supervisedParent.ts", import.meta.url));

/** Live (non-zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command (which may hold spaces): state ppid pgrp …
      const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(group) === pgid && state !== "Z") members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(50);
  }
  return condition();
}

const supervisors: ProcessSupervisor[] = [];
async function newSupervisor(): Promise<ProcessSupervisor> {
  const supervisor = await ProcessSupervisor.create();
  supervisors.push(supervisor);
  return supervisor;
}

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.stop()));
});

describe("ProcessSupervisor", () => {
  it("ends the whole process group on stop and removes its work dir", async () => {
    const supervisor = await newSupervisor();
    const child = supervisor.spawn("pair", "/bin/sh", ["-c", "sleep 300 & sleep 300 & wait"]);
    expect(await until(() => groupMembers(child.pid).length === 3, 20_000)).toBe(true);
    await supervisor.stop();
    expect(child.exitInfo()).toEqual({ code: null, signal: "SIGTERM" });
    expect(groupMembers(child.pid)).toEqual([]);
    expect(existsSync(supervisor.workDir)).toBe(false);
    expect(() => supervisor.spawn("late", "/bin/true", [])).toThrow(/stopped/);
  });

  it("kills a process that ignores SIGTERM after the grace period", async () => {
    const supervisor = await newSupervisor();
    const child = supervisor.spawn("stubborn", "/bin/sh", [
      "-c",
      "trap '' TERM; echo started; sleep 300 & wait",
    ]);
    await until(() => groupMembers(child.pid).length === 2, 20_000);
    const started = Date.now();
    expect(await child.stop({ timeoutMs: 400 })).toEqual({ code: null, signal: "SIGKILL" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(groupMembers(child.pid)).toEqual([]);
    expect(await child.logTail()).toBe("started");
  });

  it("reports an exit nobody asked for, and not a requested stop", async () => {
    const supervisor = await newSupervisor();
    const unexpected: Array<[string, ExitInfo]> = [];
    const crashing = supervisor.spawn("crashing", "/bin/sh", ["-c", "sleep 0.2; exit 3"], {
      onUnexpectedExit: (info) => unexpected.push(["crashing", info]),
    });
    const stopped = supervisor.spawn("stopped", "/bin/sleep", ["300"], {
      onUnexpectedExit: (info) => unexpected.push(["stopped", info]),
    });
    await stopped.stop();
    await crashing.exited;
    expect(unexpected).toEqual([["crashing", { code: 3, signal: null }]]);
    expect(supervisor.running()).toEqual([]);
  });

  it("stops waiting for readiness as soon as the process exits, showing its log", async () => {
    const supervisor = await newSupervisor();
    const child = supervisor.spawn("failing", "/bin/sh", ["-c", "echo 'bad flag --x' >&2; exit 2"]);
    // The exit's own error (not the timeout's), and long before the timeout: waiting for it would
    // take 60 s, the exit comes as soon as the shell has run, however busy the machine is.
    const started = Date.now();
    await expect(
      waitForUrl("http://127.0.0.1:9/never", { process: child, timeoutMs: 60_000 }),
    ).rejects.toThrow(/failing exited \(code 2.*bad flag --x/s);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("cleanup when the parent goes away", () => {
  async function startParent(): Promise<{ parent: ReturnType<typeof spawn>; pid: number; workDir: string }> {
    const parent = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), PARENT], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let text = "";
      parent.stdout?.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("\n")) resolve(text.split("\n")[0] ?? "");
      });
      parent.once("exit", (code) => reject(new Error(`parent exited early with ${code}`)));
    });
    const { pid, workDir } = JSON.parse(line) as { pid: number; workDir: string };
    await until(() => groupMembers(pid).length === 2, 20_000);
    return { parent, pid, workDir };
  }

  it("stops children and removes the work dir when the parent gets SIGTERM", async () => {
    const { parent, pid, workDir } = await startParent();
    const exited = new Promise<number | null>((resolve) => parent.once("exit", (code) => resolve(code)));
    parent.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(groupMembers(pid)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
  });

  it("has the reaper clean up when the parent is killed outright", async () => {
    const { parent, pid, workDir } = await startParent();
    parent.kill("SIGKILL");
    expect(await until(() => groupMembers(pid).length === 0 && !existsSync(workDir), 20_000)).toBe(true);
  });
});
