/** Text views of an AgentRollout for `status` and `watch` (pure: object in, lines out). */

import { otherTrack, type Track } from "../../contract/agentRollout.ts";
import type { AgentRolloutSpec, AgentRolloutStatus, Measurement } from "../../crd/agentRollout.ts";
import type { KubeObject } from "../kube/cluster.ts";
import { desiredReplicasOf } from "../rollout/tracks.ts";

export interface TrackView {
  replicas: number;
  ready: number;
  revision?: string;
}

function bar(percent: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

function stepLine(spec: AgentRolloutSpec | undefined, status: AgentRolloutStatus): string | undefined {
  const steps = spec?.strategy?.canary?.steps;
  if (!steps || status.canaryRevision === undefined) return undefined;
  const index = status.currentStepIndex ?? 0;
  const step = steps[index];
  const pause = step?.pause
    ? step.pause.durationSeconds
      ? `, then pause ${step.pause.durationSeconds}s`
      : ", then wait for promote"
    : "";
  const canary = otherTrack(status.activeTrack);
  const achieved = status.weights?.[canary] ?? 0;
  return `step      ${index + 1}/${steps.length}  ${bar(achieved)} ${achieved}% to ${canary} (step asks ${step?.setWeight}%${pause})`;
}

function analysisLine(spec: AgentRolloutSpec | undefined, status: AgentRolloutStatus): string | undefined {
  const analysis = status.analysis;
  if (!analysis) return undefined;
  const config = spec?.strategy?.canary?.analysis ?? spec?.strategy?.blueGreen?.analysis;
  const limits = config
    ? ` (need ${config.count}, fail after ${config.failureLimit}, pause after ${config.inconclusiveLimit})`
    : "";
  const last = analysis.lastMeasurements.map(measurementText).join("  ");
  const evidence = evidenceLine(config?.evidence !== undefined, analysis);
  return `analysis  ${analysis.successes} passed, ${analysis.failures} failed, ${analysis.inconclusives} inconclusive${limits}${evidence}${last ? `\n          last: ${last}` : ""}`;
}

function percentText(value: number): string {
  return `${Number((value * 100).toPrecision(3))}%`;
}

/**
 * One measurement: its value and verdict; an evidence check also its records per track, the
 * canary's rate against the stable's and, when Inconclusive, why (e.g. NotEnoughEvidence).
 */
function measurementText(m: Measurement): string {
  const mark = m.phase === "Successful" ? "✓" : m.phase === "Failed" ? "✗" : "?";
  const why = m.phase === "Inconclusive" && m.inconclusiveReason ? ` (${m.inconclusiveReason})` : "";
  if (!m.samples) {
    const value = m.value !== undefined ? Number(m.value.toPrecision(4)) : "n/a";
    return `${m.metric}=${value} ${mark}${why}`;
  }
  const stable =
    m.stableValue !== undefined && m.samples.stable !== undefined
      ? ` vs stable ${percentText(m.stableValue)} of ${Math.floor(m.samples.stable)}`
      : "";
  const canary = m.canaryValue !== undefined ? `${percentText(m.canaryValue)} of ` : "";
  return `${m.metric}: canary ${canary}${Math.floor(m.samples.canary)}${stable} ${mark}${why}`;
}

function evidenceLine(withEvidence: boolean, analysis: NonNullable<AgentRolloutStatus["analysis"]>): string {
  if (!withEvidence || !analysis.verdict) return "";
  const why =
    analysis.verdict !== "Successful" && analysis.verdictReason ? `: ${analysis.verdictReason}` : "";
  return `\n          evidence ${analysis.verdict}${why}`;
}

export function renderRollout(rollout: KubeObject, tracks: Partial<Record<Track, TrackView>> = {}): string {
  const spec = rollout.spec as AgentRolloutSpec | undefined;
  const status = (rollout.status ?? {}) as AgentRolloutStatus;
  const strategy = spec?.strategy?.canary ? "canary" : spec?.strategy?.blueGreen ? "blueGreen" : "unknown";
  const active = status.activeTrack ?? "-";
  const idle = otherTrack(status.activeTrack);
  const lines = [
    `AgentRollout ${rollout.metadata.namespace}/${rollout.metadata.name}   phase ${status.phase ?? "Pending"}   strategy ${strategy}   router ${spec?.traffic?.router ?? "-"}`,
    `revision  stable ${status.stableRevision ?? "-"} on ${active}${status.canaryRevision ? `   new ${status.canaryRevision} on ${idle}` : ""}${status.abortedRevision ? `   aborted ${status.abortedRevision}${status.abortedBy ? ` by ${status.abortedBy}` : ""}` : ""}`,
  ];
  const step = stepLine(spec, status);
  if (step) lines.push(step);
  if (status.weights)
    lines.push(
      `weights   blue ${status.weights.blue}%  green ${status.weights.green}%   (read back from the router)`,
    );
  const trackText = (["blue", "green"] as const)
    .filter((track) => tracks[track])
    .map(
      (track) =>
        `${track} ${tracks[track]?.ready}/${tracks[track]?.replicas} ready${tracks[track]?.revision ? ` (${tracks[track]?.revision})` : ""}`,
    );
  if (trackText.length > 0)
    lines.push(
      `pods      ${trackText.join("   ")}   desired ${spec?.minReplicas !== undefined ? desiredReplicasOf(spec) : "?"} per track`,
    );
  const analysis = analysisLine(spec, status);
  if (analysis) lines.push(analysis);
  if (status.pause)
    lines.push(
      `paused    ${status.pause.reason}${status.pause.by ? ` by ${status.pause.by}` : ""} since ${status.pause.since}`,
    );
  if (status.scaleDownAt) lines.push(`retire    previous track at ${status.scaleDownAt}`);
  if (status.lastAction)
    lines.push(
      `action    ${status.lastAction.action} by ${status.lastAction.by} at ${status.lastAction.at}: ${status.lastAction.outcome ? `${status.lastAction.outcome.toLowerCase()}: ` : ""}${status.lastAction.result}`,
    );
  const conditions = (status.conditions ?? []).map((c) => `${c.type}=${c.status}`).join("  ");
  if (conditions) lines.push(`conditions ${conditions}`);
  if (status.message) lines.push(`message   ${status.message}`);
  return lines.join("\n");
}

/** One line per change, for logs and non-terminal output. */
export function renderProgressLine(rollout: KubeObject): string {
  const status = (rollout.status ?? {}) as AgentRolloutStatus;
  const weights = status.weights
    ? `blue ${status.weights.blue}% green ${status.weights.green}%`
    : "weights -";
  const step =
    status.currentStepIndex !== undefined && status.canaryRevision
      ? ` step ${status.currentStepIndex + 1}`
      : "";
  return `${new Date().toISOString()} ${status.phase ?? "Pending"}${step} ${weights} — ${status.message ?? ""}`;
}
