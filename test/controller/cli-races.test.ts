/**
 * Manual actions under concurrency, retries and outages, driven through the real CLI processes
 * (`bin/agent-fleet.mjs rollout …`) against the sandbox API and the controller: an abort is never
 * lost, a gate is never skipped, and success is only reported from the router's read-back.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { ACTION_ANNOTATIONS } from "../../src/controller/rollout/actionRequest.ts";
import type { AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import { type CliRun, runRolloutCli } from "../support/rolloutCliProcess.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  type Harness,
  readStatus,
  recordTrackUnderTraffic,
  releaseVersion,
  startHarness,
  waitFor,
  waitForStatus,
} from "./support/harness.ts";

/** One CLI process, as an operator runs it. */
function cli(harness: Harness, by: string, ...args: string[]): Promise<CliRun> {
  return runRolloutCli([...args, "ingest", "-n", NAMESPACE, "--server", harness.api.url, "--by", by]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stopControllers(harness: Harness): Promise<void> {
  await Promise.all(harness.apps.splice(0).map((app) => app.stop()));
}

async function refusalEvents(harness: Harness): Promise<string[]> {
  const { items } = await harness.cluster.list(KINDS.event, { namespace: NAMESPACE });
  return items
    .filter((event) => (event as { reason?: string }).reason?.startsWith("ManualAction"))
    .map((event) => `${(event as { reason?: string }).reason}: ${(event as { message?: string }).message}`);
}

function outcomes(status: AgentRolloutStatus): string[] {
  return (status.actionHistory ?? []).map((record) => `${record.action}/${record.by}: ${record.outcome}`);
}

describe("manual actions through the CLI, racing and with the controller down", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
    await createAgent(harness, {
      minReplicas: 2,
      steps: [{ setWeight: 20, pause: {} }, { setWeight: 50, pause: {} }, { setWeight: 100 }],
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    await releaseVersion(harness, "1.1.0");
    await waitForStatus(harness, "paused at 20%", (s) => s.phase === "Paused" && s.weights?.green === 20);
  }, 60_000);
  afterEach(async () => {
    await harness.close();
  });

  it("an abort sent while the controller is down cannot be replaced, and is applied when it returns", async () => {
    const green = recordTrackUnderTraffic(harness, "green");
    await stopControllers(harness);

    const abort = await cli(harness, "bob", "abort", "--timeout", "2");
    expect(abort.code).toBe(3);
    expect(abort.err).toContain("has not taken it up within 2s");
    const pendingId = (
      await harness.cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name: "ingest" })
    )?.metadata.annotations?.[ACTION_ANNOTATIONS.id];

    const promote = await cli(harness, "alice", "promote", "--timeout", "2");
    expect(promote.code).toBe(5);
    expect(promote.err).toMatch(
      /refused: abort requested by bob at .* has not been taken up yet; an abort cannot be replaced/,
    );
    const pause = await cli(harness, "alice", "pause", "--timeout", "2");
    expect(pause.code).toBe(5);
    const again = await cli(harness, "carol", "abort", "--timeout", "1");
    expect(again.code).toBe(3);
    expect(again.out).toContain("the same request is already pending");
    const annotations = (
      await harness.cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name: "ingest" })
    )?.metadata.annotations;
    expect(annotations?.[ACTION_ANNOTATIONS.action]).toBe("abort");
    expect(annotations?.[ACTION_ANNOTATIONS.id]).toBe(pendingId);
    expect(await refusalEvents(harness)).toEqual([
      expect.stringMatching(/^ManualActionRefused: promote by alice .*an abort cannot be replaced/),
      expect.stringMatching(/^ManualActionRefused: pause by alice /),
    ]);

    // An explicit --replace re-issues the abort; the first is recorded as superseded by it.
    const replaced = await cli(harness, "carol", "abort", "--replace", "--timeout", "1");
    expect(replaced.code).toBe(3);
    expect(replaced.out).toContain("replaces the pending abort by bob");

    await harness.startController();
    const done = await waitForStatus(
      harness,
      "aborted",
      (s) => s.phase === "Aborted" && s.weights?.green === 0,
    );
    expect(outcomes(done)).toEqual(["abort/bob: Superseded", "abort/carol: Applied"]);
    expect(done.actionHistory?.[0]?.result).toContain("explicit override: --replace by carol");
    expect(done.abortedBy).toBe("carol");
    expect(green.every((sample) => sample.traffic <= 20)).toBe(true);
    expect(harness.logs.audit("manual-abort").map((line) => line.reason)).toEqual([
      expect.stringMatching(/^Superseded: /),
      "Applied: aborted: all traffic to the stable track",
    ]);
    // The controller records Events after the status patch that the wait above saw: wait for them.
    const events = await waitFor(
      "the abort's Applied event",
      () => refusalEvents(harness),
      (all) => all.some((e) => e.startsWith("ManualActionApplied")),
    );
    expect(events.filter((e) => e.startsWith("ManualActionSuperseded"))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith("ManualActionApplied"))).toHaveLength(1);
  }, 120_000);

  it("an abort supersedes a promote that arrived while the controller was down", async () => {
    const green = recordTrackUnderTraffic(harness, "green");
    await stopControllers(harness);
    expect((await cli(harness, "alice", "promote", "--timeout", "1")).code).toBe(3);
    const abort = await cli(harness, "bob", "abort", "--timeout", "1");
    expect(abort.code).toBe(3);
    expect(abort.out).toContain("replaces the pending promote by alice");

    await harness.startController();
    const done = await waitForStatus(
      harness,
      "aborted",
      (s) => s.phase === "Aborted" && s.weights?.green === 0,
    );
    expect(outcomes(done)).toEqual(["promote/alice: Superseded", "abort/bob: Applied"]);
    expect(done.actionHistory?.[0]?.result).toMatch(/^superseded by abort .* from bob$/);
    expect(green.every((sample) => sample.traffic <= 20)).toBe(true);
  }, 120_000);

  it("two promotes at once pass the 20% gate only; a retry is answered, never applied to the next gate", async () => {
    const [first, second] = await Promise.all([
      cli(harness, "alice", "promote", "--timeout", "20"),
      cli(harness, "bob", "promote", "--timeout", "20"),
    ]);
    // One writes; the other joins it, is answered with its outcome, or (read after it was applied)
    // is refused as a likely double click. Never a second write.
    const requested = [first, second].filter((run) => run.out.includes("promote requested for"));
    expect(requested).toHaveLength(1);
    const other = requested[0] === first ? second : first;
    expect(requested[0]?.code).toBe(0);
    if (other.code === 5) expect(other.err).toContain("run promote --step 2");
    else {
      expect(other.code, other.err).toBe(0);
      expect(other.out).toMatch(/the same request is already pending|this promote was already applied/);
    }
    await waitForStatus(harness, "paused at 50%", (s) => s.phase === "Paused" && s.weights?.green === 50);
    await sleep(1500); // 7.5 s of release time: long enough for a second promote to have landed
    const held = await readStatus(harness);
    expect(held).toMatchObject({ currentStepIndex: 1, phase: "Paused", weights: { blue: 50, green: 50 } });
    expect(outcomes(held)).toHaveLength(1);

    // A retry right after: refused with the way to say it is meant.
    const retry = await cli(harness, "alice", "promote", "--timeout", "5");
    expect(retry.code).toBe(5);
    expect(retry.err).toContain("run promote --step 2");
    // A promote for the step already passed is answered with its outcome and changes nothing.
    const stale = await cli(harness, "bob", "promote", "--step", "1", "--timeout", "5");
    expect(stale.code).toBe(0);
    expect(stale.out).toContain("this promote was already applied");
    expect(await readStatus(harness)).toMatchObject({ currentStepIndex: 1, weights: { green: 50 } });

    const meant = await cli(harness, "alice", "promote", "--step", "2", "--timeout", "20");
    expect(meant.code).toBe(0);
    expect(meant.out).toContain("controller: advanced past step 2");
    expect(meant.out).toMatch(/traffic now \d+\/\d+ \(blue\/green\), read back from the router/);
    const done = await waitForStatus(
      harness,
      "Healthy",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
    );
    expect(outcomes(done)).toHaveLength(2);
    expect(outcomes(done)[1]).toBe("promote/alice: Applied");
  }, 120_000);

  it("a promote for a step that is no longer current is stale and changes nothing", async () => {
    const stale = await cli(harness, "alice", "promote", "--step", "2", "--timeout", "10");
    expect(stale.code).toBe(5);
    expect(stale.err).toContain(
      "controller: refused: stale: the promote was for step 2, the release is at step 1; nothing changed",
    );
    expect(await readStatus(harness)).toMatchObject({ currentStepIndex: 0, weights: { green: 20 } });
  }, 60_000);

  it("abort reports success only from the router's read-back; while the router fails it says so", async () => {
    const failing = harness.api.faults.add({ method: "PUT", path: "/httproutes/", status: 503 });
    const abort = await cli(harness, "bob", "abort", "--timeout", "3");
    expect(abort.code).toBe(4);
    expect(abort.out).toContain("controller: aborted: all traffic to the stable track");
    expect(abort.out).not.toContain("traffic now");
    expect(abort.err).toMatch(
      /abort applied, but traffic is still 80\/20 \(blue\/green\), not 100\/0 after 3s because wanted 100\/0, read back 80\/20/,
    );
    harness.api.faults.remove(failing);
    const routed = await waitForStatus(
      harness,
      "routed back",
      (s) =>
        s.weights?.green === 0 &&
        s.conditions?.some((c) => c.type === "TrafficRouted" && c.status === "True") === true,
    );
    expect(routed.phase).toBe("Aborted");
    await waitForStatus(harness, "abort confirmed", (s) => s.lastAction?.confirmedAt !== undefined);
  }, 60_000);
});
