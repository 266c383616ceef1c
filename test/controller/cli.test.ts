import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/controller/cli/commands.ts";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  type Harness,
  readStatus,
  releaseVersion,
  routeWeights,
  startHarness,
  waitForStatus,
} from "./support/harness.ts";

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(harness: Harness, ...args: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const code = await runCli([...args, "-n", NAMESPACE, "--server", harness.api.url, "--timeout", "10"], {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { USER: "alice" },
  });
  return { code, out, err };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("agent-fleet rollout CLI", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
    await createAgent(harness, {
      minReplicas: 2,
      steps: [{ setWeight: 20, pause: {} }, { setWeight: 50 }, { setWeight: 100 }],
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
  });
  afterEach(async () => {
    await harness.close();
  });

  it("promote moves a manual pause on; status shows the step and the controller's answer", async () => {
    await releaseVersion(harness, "1.1.0");
    await waitForStatus(
      harness,
      "paused for promote",
      (s) => s.phase === "Paused" && s.weights?.green === 20,
    );
    const status = await cli(harness, "status", "ingest");
    expect(status.out).toContain("phase Paused");
    expect(status.out).toContain("step      1/3");
    expect(status.out).toContain("wait for promote");

    const promote = await cli(harness, "promote", "ingest");
    expect(promote.code).toBe(0);
    expect(promote.out).toContain("promote requested for data-processing/ingest by alice");
    expect(promote.out).toContain("controller: advanced past step 1");
    expect(promote.out).toContain("traffic now 50/50 (blue/green), read back from the router");
    const done = await waitForStatus(
      harness,
      "Healthy",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
    );
    expect(done.lastAction).toMatchObject({ action: "promote", by: "alice" });
    expect(harness.logs.audit("manual-promote")[0]).toMatchObject({ actor: "alice" });
    // The request stays on the object as written; the controller only records it in status.
    const rollout = await harness.cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name: "ingest" });
    expect(rollout?.metadata.annotations?.["agentfleet.dev/action"]).toBe("promote");
    expect(rollout?.metadata.annotations?.["agentfleet.dev/action-id"]).toBe(done.lastAction?.id);
    expect((await cli(harness, "status", "ingest")).code).toBe(0);
  });

  it("pause holds the weights, resume continues, abort returns all traffic to stable", async () => {
    await createAgentRelease(harness);
    const paused = await cli(harness, "pause", "ingest");
    expect(paused.out).toContain("controller: paused: weights held");
    const held = await readStatus(harness);
    await sleep(5000); // 25 s of release time: past the step's 20 s pause, had the hold not held it
    const still = await readStatus(harness);
    expect(still.phase).toBe("Paused");
    expect(still.pause).toMatchObject({ reason: "UserPaused", by: "alice" });
    expect(still.currentStepIndex).toBe(held.currentStepIndex);
    expect(still.weights).toEqual(held.weights);

    expect((await cli(harness, "resume", "ingest")).out).toContain("controller: resumed");
    await waitForStatus(
      harness,
      "moving again",
      (s) => (s.currentStepIndex ?? 0) > (held.currentStepIndex ?? 0),
    );

    const abort = await cli(harness, "abort", "ingest");
    expect(abort.out).toContain("controller: aborted");
    const aborted = await waitForStatus(harness, "Aborted", (s) => s.phase === "Aborted");
    expect(aborted.abortedBy).toBe("alice");
    expect(await routeWeights(harness)).toEqual({ blue: 100, green: 0 });
    expect((await cli(harness, "status", "ingest")).code).toBe(1);
    // Resume after an abort retries the release.
    expect((await cli(harness, "resume", "ingest")).out).toContain("retrying the aborted release");
    await waitForStatus(harness, "retried", (s) => s.canaryRevision !== undefined);
  });

  it("watch follows a release to the end and exits 0", async () => {
    await releaseVersion(harness, "1.1.0");
    await waitForStatus(harness, "paused for promote", (s) => s.phase === "Paused");
    const watching = cli(harness, "watch", "ingest");
    await sleep(200);
    await cli(harness, "promote", "ingest");
    const watched = await watching;
    expect(watched.code).toBe(0);
    const lines = watched.out.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toContain("Paused");
    expect(lines.at(-1)).toContain("Healthy");
    expect(watched.out).toMatch(/blue 50% green 50%/);
  });

  it("rejects bad usage and unknown agents", async () => {
    expect((await cli(harness, "promote")).code).toBe(2);
    const missing = await cli(harness, "status", "nope");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no AgentRollout for agent "nope"');
  });

  it("runs as a kubectl-style plugin through bin/agent-fleet.mjs", async () => {
    // Asynchronous: the sandbox API runs in this process and must keep answering.
    const result = await promisify(execFile)(
      "node_modules/.bin/node",
      ["bin/agent-fleet.mjs", "rollout", "status", "ingest", "-n", NAMESPACE, "--server", harness.api.url],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("AgentRollout data-processing/ingest   phase Healthy");
  });
});

/**
 * Starts a release and waits until it runs past its first (manual) step. The second step waits
 * 20 s of release time (4 s real), so a pause that holds it is seen holding it; the third waits an
 * hour, so the release is still running when the test aborts it, however slow the machine.
 */
async function createAgentRelease(harness: Harness): Promise<void> {
  await harness.cluster.patch(
    KINDS.agentRollout,
    { namespace: NAMESPACE, name: "ingest" },
    {
      spec: {
        strategy: {
          canary: {
            steps: [
              { setWeight: 20, pause: {} },
              { setWeight: 50, pause: { durationSeconds: 20 } },
              { setWeight: 80, pause: { durationSeconds: 3600 } },
              { setWeight: 100 },
            ],
          },
        },
      },
    },
  );
  await releaseVersion(harness, "1.1.0");
  await waitForStatus(harness, "paused for promote", (s) => s.phase === "Paused" && s.weights?.green === 20);
  await cli(harness, "promote", "ingest");
  await waitForStatus(harness, "at 50%", (s) => s.currentStepIndex === 1 && s.weights?.green === 50);
}
