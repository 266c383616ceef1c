/**
 * The rollout controller as a real process (`src/controller/main.ts` under tsx) against the real
 * apiserver, authenticated as the program's own ServiceAccount (a token from the TokenRequest
 * API, not an admin), with its JSON log lines kept for assertions.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { delimiter, join } from "node:path";
import { PROJECT_DIR } from "../../../harness/cli.ts";
import { type ControlPlane, freePort } from "../../../harness/cluster/controlPlane.ts";
import { reapOnExit } from "../../../harness/cluster/reaper.ts";
import { CONTROLLER } from "../../../src/contract/controller.ts";

export const CONTROLLER_NAMESPACE = CONTROLLER.namespace;
export const CONTROLLER_SERVICE_ACCOUNT = CONTROLLER.name;
export const CONTROLLER_USER = `system:serviceaccount:${CONTROLLER_NAMESPACE}:${CONTROLLER_SERVICE_ACCOUNT}`;

export interface LogLine {
  level: number;
  msg: string;
  /** ISO time (pino isoTime) */
  time?: string;
  [field: string]: unknown;
}

export interface ControllerProcess {
  name: string;
  opsUrl: string;
  logs: LogLine[];
  /** Lines that were not JSON (stack traces, runtime warnings). */
  rawOutput: string[];
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A kubeconfig for the controller's ServiceAccount, with a token from `kubectl create token`. */
export function controllerKubeconfig(plane: ControlPlane): string {
  const token = plane
    .kubectl(["create", "token", CONTROLLER_SERVICE_ACCOUNT, "-n", CONTROLLER_NAMESPACE, "--duration=2h"])
    .trim();
  return plane.kubeconfigForToken("rollout-controller", token, CONTROLLER_NAMESPACE);
}

export interface ControllerOptions {
  kubeconfig: string;
  prometheusUrl: string;
  watchNamespaces: string[];
  env?: Record<string, string>;
  /** How to start it. @default `tsx src/controller/main.ts` in the repository, with its node_modules/.bin on PATH */
  launch?: { command: string; args: string[]; cwd: string; path: string };
}

export async function startController(name: string, options: ControllerOptions): Promise<ControllerProcess> {
  const opsPort = await freePort();
  const bin = join(PROJECT_DIR, "node_modules", ".bin");
  const launch = options.launch ?? {
    command: join(bin, "tsx"),
    args: ["src/controller/main.ts"],
    cwd: PROJECT_DIR,
    path: `${bin}${delimiter}${process.env.PATH ?? ""}`,
  };
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env: {
      PATH: launch.path,
      HOME: process.env.HOME,
      KUBECONFIG: options.kubeconfig,
      POD_NAME: name,
      POD_NAMESPACE: CONTROLLER_NAMESPACE,
      WATCH_NAMESPACES: options.watchNamespaces.join(","),
      PROMETHEUS_URL: options.prometheusUrl,
      OPS_HOST: "127.0.0.1",
      OPS_PORT: String(opsPort),
      LEASE_DURATION_SECONDS: "4",
      RENEW_DEADLINE_SECONDS: "3",
      RETRY_PERIOD_SECONDS: "1",
      LOG_LEVEL: "info",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  reapOnExit(child);
  const logs: LogLine[] = [];
  const rawOutput: string[] = [];
  const collect = (chunk: Buffer, buffer: { rest: string }) => {
    const lines = (buffer.rest + chunk.toString()).split("\n");
    buffer.rest = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        rawOutput.push(line);
      }
    }
  };
  const out = { rest: "" };
  const err = { rest: "" };
  child.stdout?.on("data", (chunk: Buffer) => collect(chunk, out));
  child.stderr?.on("data", (chunk: Buffer) => collect(chunk, err));
  return {
    name,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    logs,
    rawOutput,
    child,
    kill: (signal = "SIGTERM") =>
      new Promise((resolveKill) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveKill();
        const timer = setTimeout(
          () => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"),
          10_000,
        );
        child.once("exit", () => {
          clearTimeout(timer);
          resolveKill();
        });
        // The whole group: tsx runs the controller in a child of its own.
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      }),
  };
}

/** pino levels: 40 warn, 50 error, 60 fatal. */
export function problems(logs: readonly LogLine[], since = 0): LogLine[] {
  return logs.filter((line) => line.level >= 40 && Date.parse(line.time ?? "") >= since);
}
