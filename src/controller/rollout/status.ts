/**
 * Status bookkeeping at the end of a reconcile: the scale-subresource fields, conditions, the
 * derived phase and a one-line message; and the JSON merge patch that turns the status as read
 * into the draft (removed fields become `null`, as merge patches require).
 */
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { isoTime } from "../clock.ts";
import { weightsHonoured } from "../traffic/router.ts";
import { getCondition, setCondition } from "./conditions.ts";
import type { ReconcileContext } from "./context.ts";
import { activeTrack, analysisSpecOf, currentStep, derivePhase, idleTrack, isAborted } from "./phase.ts";
import { canonicalJson } from "./revision.ts";
import { scrapeGateNote } from "./scrapeGate.ts";
import { desiredWeights } from "./weights.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON merge patch taking `before` to `after`; undefined when nothing changed. */
export function mergePatchBetween(before: unknown, after: unknown): Json | undefined {
  if (!isPlainObject(before) || !isPlainObject(after)) {
    return canonicalJson(before) === canonicalJson(after) ? undefined : ((after ?? null) as Json);
  }
  const patch: Record<string, Json> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const next = after[key];
    if (next === undefined) {
      if (before[key] !== undefined) patch[key] = null;
      continue;
    }
    const child = mergePatchBetween(before[key], next);
    if (child !== undefined) patch[key] = child;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

function selectorText(context: ReconcileContext): string {
  const labels = {
    ...context.spec.selector.matchLabels,
    agent: context.spec.agent,
    track: activeTrack(context.status),
  };
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** With evidence: the last look's verdict, and why when it is not Successful. */
function evidenceNote(context: ReconcileContext): string {
  const analysis = context.status.analysis;
  if (!analysisSpecOf(context.spec)?.evidence || !analysis?.verdict) return "";
  const why =
    analysis.verdict !== "Successful" && analysis.verdictReason ? `: ${analysis.verdictReason}` : "";
  return `; evidence ${analysis.verdict}${why}`;
}

function describe(context: ReconcileContext): string {
  const { status, spec } = context;
  const weights = status.weights
    ? `blue ${status.weights.blue}% / green ${status.weights.green}%`
    : "weights unknown";
  if (context.problems.length > 0) return `${context.problems.join("; ")} (${weights})`;
  if (getCondition(status, "InvalidSpec")?.status === "True")
    return getCondition(status, "InvalidSpec")?.message ?? "invalid spec";
  if (isAborted(spec, status)) return `${getCondition(status, "Degraded")?.message ?? "aborted"}; ${weights}`;
  if (getCondition(status, "AnalysisAvailable")?.status === "False")
    return `${getCondition(status, "AnalysisAvailable")?.message}; ${weights}`;
  if (status.pause)
    return `paused (${status.pause.reason}${status.pause.by ? ` by ${status.pause.by}` : ""}); ${weights}`;
  if (status.canaryRevision && spec.strategy.canary) {
    const steps = spec.strategy.canary.steps;
    const index = status.currentStepIndex ?? 0;
    return `step ${index + 1}/${steps.length}: ${currentStep(spec, status)?.setWeight}% to ${idleTrack(status)}; ${weights}${scrapeGateNote(context)}${evidenceNote(context)}`;
  }
  if (status.canaryRevision)
    return `revision ${status.canaryRevision} on preview track ${idleTrack(status)}; ${weights}${evidenceNote(context)}`;
  if (status.scaleDownAt)
    return `promoted ${status.stableRevision} on ${status.activeTrack}; previous track retired at ${status.scaleDownAt}`;
  return `revision ${status.stableRevision} stable on ${status.activeTrack}; ${weights}`;
}

/** Progressing: True while a release moves or completed; False when it is held or aborted. */
function progressing(context: ReconcileContext): [value: "True" | "False", reason: string, message: string] {
  const { status, spec } = context;
  if (isAborted(spec, status))
    return ["False", "ReleaseAborted", `revision ${status.abortedRevision} aborted`];
  if (status.pause) return ["False", "ReleasePaused", status.pause.reason];
  if (status.canaryRevision) return ["True", "ReleaseInProgress", `releasing ${status.canaryRevision}`];
  if (status.scaleDownAt) return ["True", "Promoting", "retiring the previous track"];
  return ["True", "ReleaseComplete", `revision ${status.stableRevision} is stable`];
}

export function finalizeStatus(context: ReconcileContext): void {
  const { status } = context;
  const now = isoTime(context.now);
  if (context.weights) status.weights = { ...context.weights };
  const active = status.activeTrack ? context.tracks[status.activeTrack] : undefined;
  const activeStatus = (active?.object as { status?: { replicas?: number } } | undefined)?.status;
  status.replicas = activeStatus?.replicas ?? 0;
  status.selector = selectorText(context);
  status.observedGeneration = context.rollout.metadata.generation;
  const readyCount = active?.readyReplicas ?? 0;
  const available = readyCount >= context.desiredReplicas;
  setCondition(
    status,
    "Available",
    available ? "True" : "False",
    available ? "StableTrackReady" : "StableTrackNotReady",
    `${readyCount}/${context.desiredReplicas} stable pods ready`,
    now,
  );
  const [value, reason, message] = progressing(context);
  setCondition(status, "Progressing", value, reason, message, now);
  const wanted = desiredWeights(context);
  const routed = weightsHonoured(context.router, wanted, context.weights);
  const readBack = context.weights ? `${context.weights.blue}/${context.weights.green}` : "unknown";
  setCondition(
    status,
    "TrafficRouted",
    routed ? "True" : "False",
    routed ? "WeightsVerified" : "WeightsPending",
    `wanted ${wanted.blue}/${wanted.green}, read back ${readBack} (blue/green)`,
    now,
  );
  if (!getCondition(status, "Degraded"))
    setCondition(status, "Degraded", "False", "NoFailure", "no failed release", now);
  status.phase = derivePhase(context.spec, status);
  status.message = describe(context);
}

/** The patch for the status subresource, or undefined when the draft equals what was read. */
export function statusPatch(context: ReconcileContext): Json | undefined {
  return mergePatchBetween(context.original as AgentRolloutStatus, context.status);
}
