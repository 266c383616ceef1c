/**
 * The real entrypoint (src/controller/main.ts, run by Node 24 as the image does) in child
 * processes: killed with SIGKILL mid-release and started again, it resumes at the step it was on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTROLLER_METRICS } from "../../src/contract/metrics.ts";
import { runCli } from "../../src/controller/cli/commands.ts";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  type Harness,
  recordStatuses,
  releaseVersion,
  startHarness,
  waitFor,
  waitForStatus,
} from "./support/harness.ts";

interface Child {
  process: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startProcess(harness: Harness): Child {
  const child = spawn("node_modules/.bin/node", ["src/controller/main.ts"], {
    env: {
      PATH: process.env.PATH,
      KUBE_API_SERVER: harness.api.url,
      WATCH_NAMESPACES: NAMESPACE,
      POD_NAME: "rollout-controller-0",
      LEASE_DURATION_SECONDS: "2",
      RENEW_DEADLINE_SECONDS: "1.5",
      RETRY_PERIOD_SECONDS: "0.2",
      PROMETHEUS_URL: harness.prometheus.url,
      OPS_HOST: "127.0.0.1",
      OPS_PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { process: child, lines, exited };
}

async function opsUrl(child: Child): Promise<string> {
  const line = await waitFor(
    "ops server",
    async () => child.lines.find((l) => typeof l.ops === "string"),
    (found) => found !== undefined,
    20_000,
  );
  return String(line?.ops);
}

/** Reconciles a controller process has finished, from its /metrics. */
async function reconciles(ops: string): Promise<number> {
  const text = await (await fetch(`${ops}/metrics`)).text();
  const counts = text
    .split("\n")
    .filter((line) => line.startsWith(`${CONTROLLER_METRICS.reconcileDuration}_count`))
    .map((line) => Number(line.split(" ").at(-1)));
  return counts.reduce((sum, count) => sum + count, 0);
}

describe("controller process restart", () => {
  let harness: Harness;
  const children: Child[] = [];
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    for (const child of children) child.process.kill("SIGKILL");
    await harness.close();
  });

  it("killed mid-release, the restarted process resumes at the same step", async () => {
    await createAgent(harness, { minReplicas: 2, steps: [{ setWeight: 20, pause: {} }, { setWeight: 100 }] });
    const first = startProcess(harness);
    children.push(first);
    const ops = await opsUrl(first);
    expect(await (await fetch(`${ops}/healthz`)).text()).toContain("ok");
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy", 20_000);
    expect(await (await fetch(`${ops}/metrics`)).text()).toMatch(
      /agentfleet_rollout_phase\{namespace="data-processing",rollout="ingest",phase="Healthy"\} 1/,
    );

    const statuses = recordStatuses(harness);
    await releaseVersion(harness, "1.1.0");
    const before = await waitForStatus(
      harness,
      "paused at step 1",
      (s) => s.phase === "Paused" && s.weights?.green === 20,
      20_000,
    );
    first.process.kill("SIGKILL");
    await first.exited;

    const second = startProcess(harness);
    children.push(second);
    const secondOps = await opsUrl(second);
    // Not a fixed wait: the new process took the lease and reconciled the paused release.
    await waitFor(
      "the restarted process reconciled",
      () => reconciles(secondOps),
      (count) => count >= 2,
      20_000,
    );
    const after = await waitForStatus(harness, "still paused", () => true);
    expect(after.phase).toBe("Paused");
    expect(after.currentStepIndex).toBe(before.currentStepIndex);
    expect(after.canaryRevision).toBe(before.canaryRevision);
    expect(after.weights).toEqual({ blue: 80, green: 20 });

    let out = "";
    const code = await runCli(
      ["promote", "ingest", "-n", NAMESPACE, "--server", harness.api.url, "--by", "bob"],
      {
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: () => true },
        env: {},
      },
    );
    expect(code).toBe(0);
    expect(out).toContain("advanced past step 1");
    await waitForStatus(
      harness,
      "Healthy on green",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
      20_000,
    );
    // Never back to an earlier step, and the release was started exactly once.
    const steps = statuses.filter((s) => s.canaryRevision).map((s) => s.currentStepIndex ?? 0);
    expect(steps.every((step, index) => index === 0 || step >= (steps[index - 1] ?? 0))).toBe(true);
    const { items } = await harness.cluster.list(KINDS.event, { namespace: NAMESPACE });
    expect(items.filter((event) => event.reason === "ReleaseStarted")).toHaveLength(1);

    // SIGTERM: the process hands the lease back before exiting.
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const lease = await harness.cluster.get(KINDS.lease, {
      namespace: "agent-fleet-system",
      name: "agent-fleet-rollout-controller",
    });
    expect((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity).toBe("");
  });
});

describe("a controller that cannot start", () => {
  it("exits 1 with one fatal log line naming the cause, not a stack trace on stderr", async () => {
    const child = spawn("node_modules/.bin/node", ["src/controller/main.ts"], {
      env: {
        ...process.env,
        KUBECONFIG: "/nonexistent/kubeconfig",
        POD_NAME: "no-kubeconfig",
        POD_NAMESPACE: "agent-fleet-system",
        PROMETHEUS_URL: "http://127.0.0.1:1",
        OPS_PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
    expect(code).toBe(1);
    expect(stderr).toBe("");
    const lines = stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.at(-1)).toMatchObject({
      level: 60,
      msg: expect.stringContaining("/nonexistent/kubeconfig"),
    });
  });
});
