/** Runs a scenario's releases (and alert) on a started sandbox, recording each. */
import type { MatchedAlert } from "../infra/webhookSink.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Scenario } from "./catalog.ts";
import { type ReleaseRecord, type ReleaseTick, runRelease } from "./releaseRun.ts";

export interface AlertRecord {
  alertname: string;
  agent: string;
  delivered?: MatchedAlert;
  /** From the faulty version going out to the notification at the sink. */
  latencyMs?: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  releases: ReleaseRecord[];
  alert?: AlertRecord;
  startedAt: number;
  finishedAt: number;
}

/** Waits until every released agent's rollout is Healthy (the stable track is up and routed). */
export async function waitUntilSettled(
  sandbox: Sandbox,
  agents: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const agent of agents) {
    for (;;) {
      const { status } = await sandbox.rollout(agent);
      if (status.phase === "Healthy" && !status.canaryRevision) break;
      if (Date.now() > deadline)
        throw new Error(`${agent} did not become Healthy (phase ${status.phase ?? "none"})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function runScenario(
  sandbox: Sandbox,
  scenario: Scenario,
  options: {
    onTick?: (tick: ReleaseTick) => void;
    /** Called when the faulty version of the alert step has gone out. */
    onAlertStarted?: (alert: NonNullable<Scenario["alert"]>) => void;
    timeoutMs?: number;
  } = {},
): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const releases: ReleaseRecord[] = [];
  const released = [...new Set(scenario.releases.map((step) => step.agent))];
  await waitUntilSettled(sandbox, released);
  for (const step of scenario.releases) {
    releases.push(
      await runRelease(sandbox, step, {
        ratePerSecond: scenario.ratePerSecond,
        timeoutMs: options.timeoutMs,
        onTick: options.onTick,
      }),
    );
    // An aborted release leaves the rollout Degraded on the stable track; the next step starts there.
  }
  let alert: AlertRecord | undefined;
  if (scenario.alert) {
    const { agent, version, alertname } = scenario.alert;
    const sentAt = Date.now();
    await sandbox.release(agent, version);
    options.onAlertStarted?.(scenario.alert);
    alert = { alertname, agent };
    try {
      alert.delivered = await sandbox.sink.waitForAlert(
        { alertname, labels: { agent }, status: "firing" },
        options.timeoutMs ?? 180_000,
      );
      alert.latencyMs = alert.delivered.notification.receivedAt - sentAt;
    } catch {
      // Reported as "not delivered" in the summary.
    }
  }
  return { scenario, releases, alert, startedAt, finishedAt: Date.now() };
}
