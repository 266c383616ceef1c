/**
 * End to end on one sandbox: the controller is killed (SIGKILL) mid-canary and a new controller
 * process resumes the release from the step it was at; a degraded version of a rolling agent
 * fires `AgentDegraded`, which reaches the webhook sink through the dev stack's real routing.
 */

import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/controller/kube/cluster.ts";
import type { AgentRolloutSpec, AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts";
import { runRelease } from "../../src/sandbox/scenarios/releaseRun.ts";
import { waitUntilSettled } from "../../src/sandbox/scenarios/run.ts";
import { routeOf } from "../monitoring/support/alerting.ts";
import { tempDir, writeAlertmanagerConfig } from "../monitoring/support/tools.ts";
import {
  otherTrack,
  RELEASE_TIMEOUT_MS,
  SANDBOX_HOOK_TIMEOUT_MS,
  stableState,
  TAIL_REQUESTS,
} from "./support.ts";

interface RestartObservation {
  oldPid: number;
  newPid: number;
  /** The status as the killed controller left it (read after the process exited). */
  atKill: AgentRolloutStatus;
  /** The first status the new controller wrote. */
  firstAfter: AgentRolloutStatus;
}

/** Waits until the AgentRollout's resourceVersion moves on from `seen`: a new write. */
async function nextWrite(sandbox: Sandbox, agent: string, seen: string | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current: { object: KubeObject; status: AgentRolloutStatus } = await sandbox.rollout(agent);
    if (current.object.metadata.resourceVersion !== seen) return current;
    if (Date.now() > deadline) throw new Error(`no write to AgentRollout ${agent} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe("controller restart and alert delivery in the sandbox", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ timeScale: 10 });
    await waitUntilSettled(sandbox, ["ingest"]);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await sandbox?.stop();
  }, SANDBOX_HOOK_TIMEOUT_MS);

  it(
    "a controller killed mid-canary is replaced by one that resumes at the same step and promotes",
    async () => {
      const before = await stableState(sandbox, "ingest");
      const newTrack = otherTrack(before.track);
      const { object } = await sandbox.rollout("ingest");
      const analysisCount = (object.spec as AgentRolloutSpec).strategy.canary?.analysis?.count ?? 0;
      expect(analysisCount, "successes a step's analysis needs").toBeGreaterThanOrEqual(2);
      const statuses: AgentRolloutStatus[] = [];
      let restart: RestartObservation | undefined;
      let ticksBeforeKill = 0;

      const record = await runRelease(
        sandbox,
        {
          agent: "ingest",
          version: "1.5.0",
          expect: "promoted",
          // Past step 1: the canary is at its second step (index 1) or later when the controller
          // dies, before that step's first analysis. The next controller runs at most one analysis
          // per reconcile, so its first write cannot have passed the step (count ≥ 2) yet: it must
          // show the step it resumed at, however long the restart takes on a busy machine.
          during: async (running, status) => {
            if ((status.currentStepIndex ?? 0) < 1 || !status.canaryRevision) return false;
            if ((status.analysis?.successes ?? 0) > analysisCount - 2) return false;
            ticksBeforeKill = statuses.length;
            const old = running.controller.process;
            const restarting = running.restartController({ crash: true, downMs: 3000 });
            await old.exited;
            const atKill = await running.rollout("ingest");
            await restarting;
            const firstAfter = await nextWrite(
              running,
              "ingest",
              atKill.object.metadata.resourceVersion,
              30_000,
            );
            restart = {
              oldPid: old.pid,
              newPid: running.controller.process.pid,
              atKill: atKill.status,
              firstAfter: firstAfter.status,
            };
            return true;
          },
        },
        {
          timeoutMs: RELEASE_TIMEOUT_MS - 20_000,
          tailRequests: TAIL_REQUESTS,
          onTick: (tick) => statuses.push(tick.status),
        },
      );

      if (!restart) throw new Error(`the controller was never killed (outcome ${record.outcome})`);
      const { atKill, firstAfter } = restart;
      expect(restart.newPid).not.toBe(restart.oldPid);
      expect(atKill.currentStepIndex).toBeGreaterThanOrEqual(1);
      expect(atKill.canaryRevision).toBeDefined();
      // The new controller carried on from the status: same revision, same step, traffic not reset.
      expect(firstAfter.canaryRevision).toBe(atKill.canaryRevision);
      // (The kill follows a status read by a few ms: should an analysis have landed in between,
      // one more success may pass the step in the first write, and only then may it be the next.)
      const stepMayPass = (atKill.analysis?.successes ?? 0) >= analysisCount - 1;
      const atStep = atKill.currentStepIndex ?? 0;
      const resumedAt = stepMayPass ? [atStep, atStep + 1] : [atStep];
      expect(resumedAt, JSON.stringify({ atKill, firstAfter })).toContain(firstAfter.currentStepIndex);
      expect(firstAfter.weights?.[newTrack] ?? 0).toBeGreaterThanOrEqual(atKill.weights?.[newTrack] ?? 0);
      // And never went back to an earlier step afterwards.
      const afterRestart = statuses.slice(ticksBeforeKill);
      const earlier = afterRestart.filter(
        (status) => status.canaryRevision && (status.currentStepIndex ?? 0) < (atKill.currentStepIndex ?? 0),
      );
      expect(earlier).toEqual([]);

      expect(record.outcome, record.finalStatus.message).toBe("promoted");
      expect(record.finalStatus).toMatchObject({ phase: "Healthy", activeTrack: newTrack });
      expect(record.finalStatus.weights).toEqual({ [newTrack]: 100, [before.track]: 0 });
      const outcomeAt = record.outcomeAt ?? Number.POSITIVE_INFINITY;
      const atTheEnd = record.samples.filter((sample) => sample.at > outcomeAt);
      expect(atTheEnd.length).toBeGreaterThanOrEqual(TAIL_REQUESTS);
      expect(atTheEnd.every((sample) => sample.ok && sample.version === "1.5.0")).toBe(true);
    },
    RELEASE_TIMEOUT_MS,
  );

  it(
    "a degraded version of export fires AgentDegraded, delivered to the webhook sink by the dev routing",
    async () => {
      const sentAt = Date.now();
      await sandbox.release("export", "0.9.1-degraded");
      const { notification, alert } = await sandbox.sink.waitForAlert(
        { alertname: "AgentDegraded", labels: { agent: "export" }, status: "firing" },
        RELEASE_TIMEOUT_MS - 20_000,
      );
      expect(alert.labels).toMatchObject({
        alertname: "AgentDegraded",
        agent: "export",
        namespace: "data-processing",
        severity: "warning",
      });
      expect(alert.annotations.runbook_url).toMatch(/^https:\/\//);
      // Fired no earlier than its `for:` (5m in the dev stack, 30 s at the sandbox's time scale).
      expect(notification.receivedAt - sentAt).toBeGreaterThanOrEqual(30_000);
      // The receiver is the one the dev stack's routing tree picks for these labels (amtool).
      const config = sandbox.rendered.alertmanagerConfig;
      const dir = tempDir("e2e-routing");
      const expected = routeOf(writeAlertmanagerConfig(config, dir), alert.labels);
      rmSync(dir, { recursive: true, force: true });
      expect(expected).toBe("webhook");
      expect(notification.receiver).toBe(expected);
    },
    RELEASE_TIMEOUT_MS,
  );
});
