/**
 * A real Alertmanager (the selected generation's, harness/monitoringGeneration.ts) on a free local
 * port, for tests that need the running inhibitor. Receivers are emptied so nothing is ever sent
 * anywhere.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { monitoringBinaries } from "../../../harness/monitoringGeneration.ts";
import type { AlertmanagerConfig } from "../../../src/manifests/monitoring/alerting/alertmanagerTypes.ts";
import { runTool, tempDir, writeAlertmanagerConfig } from "./tools.ts";

export interface RunningAlertmanager {
  url: string;
  /** Fires an alert through `amtool alert add`. */
  addAlert(labels: Record<string, string>): void;
  /** Every alert with its state, from the v2 API. */
  alerts(): Promise<
    Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>
  >;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`alertmanager not ready after 10s: ${log()}`);
}

/** Starts Alertmanager with the config's routes and inhibit rules but receivers without integrations. */
export async function startAlertmanager(config: AlertmanagerConfig): Promise<RunningAlertmanager> {
  const dir = tempDir("alertmanager-run");
  const silent = {
    ...config,
    global: { resolve_timeout: "5m" },
    receivers: config.receivers.map(({ name }) => ({ name })),
  };
  const file = writeAlertmanagerConfig(silent, dir);
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn(
    monitoringBinaries().alertmanager,
    [
      `--config.file=${file}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=${url.replace("http://", "")}`,
      "--cluster.listen-address=",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  try {
    await waitReady(url, child, () => output);
  } catch (error) {
    stop();
    throw error;
  }
  return {
    url,
    addAlert(labels) {
      const args = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
      const result = runTool("amtool", [`--alertmanager.url=${url}`, "alert", "add", ...args]);
      if (result.status !== 0) throw new Error(`amtool alert add failed: ${result.output}`);
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as Awaited<
        ReturnType<RunningAlertmanager["alerts"]>
      >;
    },
    stop,
  };
}
