/**
 * Child processes of the sandbox: each runs in its own process group with its output in a log
 * file under a temporary work dir. `stop()` — and SIGINT, SIGTERM or the parent's exit — ends
 * every group (SIGTERM, then SIGKILL after a grace period) and removes the work dir. A small
 * detached reaper does the same if the parent dies without a chance to clean up (SIGKILL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Added to the parent's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Called when the process exits without having been asked to stop. */
  onUnexpectedExit?: (info: ExitInfo) => void;
}

export interface StopOptions {
  signal?: NodeJS.Signals;
  /** Grace period before SIGKILL. @default 5000 */
  timeoutMs?: number;
}

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  /** stdout and stderr of the process. */
  readonly logFile: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Undefined while running. */
  exitInfo(): ExitInfo | undefined;
  /** Signals the whole process group and waits until all of it has exited. Idempotent. */
  stop(options?: StopOptions): Promise<ExitInfo>;
  /** Last lines of the log, for error messages. */
  logTail(lines?: number): Promise<string>;
}

const REAPER_SCRIPT = [
  'parent="$1"; groups="$2"; dir="$3"',
  'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
  'if [ -f "$groups" ]; then while read -r group; do kill -KILL "-$group" 2>/dev/null; done < "$groups"; fi',
  'rm -rf "$dir"',
].join("\n");

/** Every live supervisor of this process, for the shared exit handler. */
const live = new Set<ProcessSupervisor>();
/** The live supervisors that also end on SIGINT/SIGTERM of this process. */
const onSignals = new Set<ProcessSupervisor>();

function onParentExit(): void {
  for (const supervisor of live) supervisor.killNow();
}

function onParentSignal(signal: NodeJS.Signals): void {
  const code = signal === "SIGINT" ? 130 : 143;
  Promise.allSettled([...onSignals].map((supervisor) => supervisor.stop())).finally(() => process.exit(code));
}

function register(supervisor: ProcessSupervisor, handleSignals: boolean): void {
  if (live.size === 0) process.on("exit", onParentExit);
  live.add(supervisor);
  if (!handleSignals) return;
  if (onSignals.size === 0) {
    process.on("SIGINT", onParentSignal);
    process.on("SIGTERM", onParentSignal);
  }
  onSignals.add(supervisor);
}

function unregister(supervisor: ProcessSupervisor): void {
  live.delete(supervisor);
  if (live.size === 0) process.off("exit", onParentExit);
  if (onSignals.delete(supervisor) && onSignals.size === 0) {
    process.off("SIGINT", onParentSignal);
    process.off("SIGTERM", onParentSignal);
  }
}

export interface SupervisorOptions {
  /** Work dir name prefix under the system temp dir. @default "agent-fleet-sandbox-" */
  prefix?: string;
  /**
   * Stop everything and exit (130/143) on SIGINT/SIGTERM. Turn off when the caller handles the
   * signals itself (and calls `stop()`); the exit handler and the reaper stay in place either way.
   * @default true
   */
  handleSignals?: boolean;
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process group still has a live member: from /proc (zombies waiting to be reaped do not count), else kill 0. */
function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command (which may hold spaces): state ppid pgrp …
      const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(group) === pgid && state !== "Z") return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

/** After SIGKILL, how long to wait for a group to be gone before giving up on it. */
const KILLED_GROUP_WAIT_MS = 5000;

export class ProcessSupervisor {
  /** Removed on stop; child processes may keep their data under it. */
  readonly workDir: string;
  readonly #children = new Map<number, SupervisedProcess>();
  readonly #groupsFile: string;
  #reaper: ChildProcess | undefined;
  #stopped = false;

  private constructor(workDir: string) {
    this.workDir = workDir;
    this.#groupsFile = join(workDir, ".process-groups");
  }

  static async create(options: SupervisorOptions = {}): Promise<ProcessSupervisor> {
    const prefix = options.prefix ?? "agent-fleet-sandbox-";
    const supervisor = new ProcessSupervisor(await mkdtemp(join(tmpdir(), prefix)));
    mkdirSync(join(supervisor.workDir, "logs"));
    register(supervisor, options.handleSignals ?? true);
    supervisor.#startReaper();
    return supervisor;
  }

  /** A fresh directory under the work dir. */
  dir(name: string): string {
    const path = join(this.workDir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** Processes started and not yet exited. */
  running(): SupervisedProcess[] {
    return [...this.#children.values()];
  }

  spawn(
    name: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): SupervisedProcess {
    if (this.#stopped) throw new Error(`cannot start ${name}: the sandbox processes were stopped`);
    const logFile = join(this.workDir, "logs", `${name.replace(/[^\w.-]/g, "_")}.log`);
    const logFd = openSync(logFile, "a");
    const env = { ...process.env, ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const child = spawn(command, args, {
      cwd: options.cwd ?? process.cwd(),
      env,
      detached: true,
      stdio: ["ignore", logFd, logFd],
    });
    closeSync(logFd);
    if (child.pid === undefined) {
      throw new Error(`could not start ${name} (${command}): is it installed and executable?`);
    }
    const supervised = this.#supervise(name, child, child.pid, logFile, options);
    this.#children.set(child.pid, supervised);
    this.#writeGroups();
    return supervised;
  }

  #supervise(
    name: string,
    child: ChildProcess,
    pid: number,
    logFile: string,
    options: SpawnOptions,
  ): SupervisedProcess {
    let info: ExitInfo | undefined;
    let stopping: Promise<ExitInfo> | undefined;
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("exit", (code, signal) => {
        info = { code, signal };
        // Leftovers of the group (grandchildren) go with their leader.
        signalGroup(pid, "SIGKILL");
        this.#children.delete(pid);
        this.#writeGroups();
        if (!stopping && !this.#stopped) options.onUnexpectedExit?.(info);
        resolve(info);
      });
    });
    const stop = async ({ signal = "SIGTERM", timeoutMs = 5000 }: StopOptions = {}): Promise<ExitInfo> => {
      if (info) return info;
      signalGroup(pid, signal);
      const killAt = Date.now() + timeoutMs;
      const killer = setTimeout(() => signalGroup(pid, "SIGKILL"), timeoutMs);
      const result = await exited;
      // The leader is gone; the rest of its group got the same signal and may still be on its
      // way out (on a busy machine, for a while): done only when the whole group is.
      while (groupAlive(pid) && Date.now() < killAt + KILLED_GROUP_WAIT_MS) {
        if (Date.now() >= killAt) signalGroup(pid, "SIGKILL");
        await sleep(20);
      }
      clearTimeout(killer);
      return result;
    };
    return {
      name,
      pid,
      logFile,
      exited,
      exitInfo: () => info,
      stop: (stopOptions) => {
        stopping ??= stop(stopOptions);
        return stopping;
      },
      logTail: async (lines = 30) => {
        const text = await readFile(logFile, "utf8").catch(() => "");
        return text.trimEnd().split("\n").slice(-lines).join("\n");
      },
    };
  }

  /** Stops every process (in parallel), the reaper, and removes the work dir. Idempotent. */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(this.running().map((child) => child.stop(options)));
    this.#finish();
  }

  /** Synchronous last resort (the parent is exiting): SIGKILL every group, remove the work dir. */
  killNow(): void {
    this.#stopped = true;
    for (const pid of this.#children.keys()) signalGroup(pid, "SIGKILL");
    this.#finish();
  }

  #finish(): void {
    if (this.#reaper?.pid !== undefined) signalGroup(this.#reaper.pid, "SIGKILL");
    rmSync(this.workDir, { recursive: true, force: true });
    unregister(this);
  }

  #writeGroups(): void {
    if (this.#stopped) return;
    writeFileSync(this.#groupsFile, [...this.#children.keys()].map((pid) => `${pid}\n`).join(""));
  }

  #startReaper(): void {
    this.#writeGroups();
    const reaper = spawn(
      "/bin/sh",
      ["-c", REAPER_SCRIPT, "reaper", String(process.pid), this.#groupsFile, this.workDir],
      {
        detached: true,
        stdio: "ignore",
      },
    );
    reaper.unref();
    this.#reaper = reaper;
  }
}

export interface WaitForUrlOptions {
  /** @default 20000 */
  timeoutMs?: number;
  /** @default 100 */
  intervalMs?: number;
  /** Fail fast, with its log, if this process exits while waiting. */
  process?: SupervisedProcess;
  /** Which status means ready. @default 2xx */
  ready?: (status: number) => boolean;
}

/** Polls `url` until it answers as ready; throws with the last error (and the process log) otherwise. */
export async function waitForUrl(url: string, options: WaitForUrlOptions = {}): Promise<void> {
  const { timeoutMs = 20_000, intervalMs = 100, process: child } = options;
  const ready = options.ready ?? ((status: number) => status >= 200 && status < 300);
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const exit = child?.exitInfo();
    if (child && exit) {
      throw new Error(
        `${child.name} exited (code ${exit.code}, signal ${exit.signal}) before ${url} was ready:\n${await child.logTail()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(intervalMs, 1000)) });
      await response.arrayBuffer();
      if (ready(response.status)) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
    }
    await sleep(intervalMs);
  }
  const log = child ? `\n${child.name} log:\n${await child.logTail()}` : "";
  throw new Error(`${url} not ready after ${timeoutMs} ms (last: ${last})${log}`);
}
