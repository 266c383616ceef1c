/**
 * Shared helpers of the end-to-end tests: what the sandbox runs now, and how the requests a
 * release saw read back.
 */

import type { Track } from "../../src/contract/agentRollout.ts";
import type { AgentRolloutStatus } from "../../src/crd/agentRollout.ts";
import type { RequestSample } from "../../src/sandbox/infra/load.ts";
import type { Sandbox } from "../../src/sandbox/sandbox.ts";
import { stableVersion } from "../../src/sandbox/scenarios/releaseRun.ts";

export { CHROMIUM, launchChromium } from "../support/chromium.ts";

/** Per test: a release takes 10–60 s at the sandbox's time scale; room for a loaded machine. */
export const RELEASE_TIMEOUT_MS = 150_000;
/** Starting the sandbox (Prometheus, Alertmanager, HAProxy, agents, controller) and stopping it. */
export const SANDBOX_HOOK_TIMEOUT_MS = 120_000;
/**
 * Requests a release run keeps sending after traffic settled (`tailRequests`), so the checks of
 * where traffic ended always have this many, however slowly a loaded machine sends them.
 */
export const TAIL_REQUESTS = 40;

export function otherTrack(track: Track | undefined): Track {
  return track === "green" ? "blue" : "green";
}

/** The rollout as a user sees it before a release: Healthy, with its stable track and version. */
export async function stableState(
  sandbox: Sandbox,
  agent: string,
): Promise<{ status: AgentRolloutStatus; track: Track; version: string }> {
  const { status } = await sandbox.rollout(agent);
  const version = await stableVersion(sandbox, agent);
  if (!version) throw new Error(`no stable track Deployment for ${agent}`);
  return { status, track: status.activeTrack ?? "blue", version };
}

/** A few samples, readable in an assertion message. */
export function describeSamples(samples: readonly RequestSample[], limit = 5): string {
  const shown = samples.slice(0, limit).map((sample) =>
    JSON.stringify({
      at: new Date(sample.at).toISOString(),
      status: sample.status,
      error: sample.error,
      track: sample.track,
      version: sample.version,
    }),
  );
  return `${samples.length} request(s)${samples.length > limit ? `, first ${limit}` : ""}: ${shown.join(", ")}`;
}

export function countBy(samples: readonly RequestSample[], key: "version" | "track"): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples) {
    const value = sample[key] ?? "(none)";
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}
