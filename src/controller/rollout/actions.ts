/**
 * Manual actions. The CLI writes annotations on the AgentRollout (never spec or status):
 *   agentfleet.dev/action     promote | abort | pause | resume
 *   agentfleet.dev/action-id  unique per request
 *   agentfleet.dev/action-by  who asked
 *   agentfleet.dev/action-at  when (ISO time)
 * The controller applies a request once, records it in `status.lastAction` (same id: already
 * applied) and leaves the annotations alone: it never writes the AgentRollout's metadata, so its
 * RBAC needs no `patch` on agentrollouts and it cannot touch Pulumi's fields even by mistake.
 */
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { isoTime } from "../clock.ts";
import { ANNOTATION_PREFIX, decide, emit, type ReconcileContext } from "./context.ts";
import { abortRelease, advanceStep, finishScaleDown, rollBack, switchBlueGreen } from "./decisions.ts";
import { isAborted } from "./phase.ts";

export const ACTIONS = ["promote", "abort", "pause", "resume"] as const;
export type ManualActionName = (typeof ACTIONS)[number];

export const ACTION_ANNOTATIONS = {
  action: `${ANNOTATION_PREFIX}action`,
  id: `${ANNOTATION_PREFIX}action-id`,
  by: `${ANNOTATION_PREFIX}action-by`,
  at: `${ANNOTATION_PREFIX}action-at`,
} as const;

/** Requests older than this with no record in status are not replayed (e.g. status was lost). */
export const ACTION_TTL_MS = 15 * 60 * 1000;

export interface ManualAction {
  action: ManualActionName;
  id: string;
  by: string;
  at: string;
}

export function readManualAction(annotations: Record<string, string> | undefined): ManualAction | undefined {
  const action = annotations?.[ACTION_ANNOTATIONS.action];
  const id = annotations?.[ACTION_ANNOTATIONS.id];
  if (!action || !id || !(ACTIONS as readonly string[]).includes(action)) return undefined;
  return {
    action: action as ManualActionName,
    id,
    by: annotations?.[ACTION_ANNOTATIONS.by] ?? "unknown",
    at: annotations?.[ACTION_ANNOTATIONS.at] ?? "",
  };
}

function releaseRunning(status: AgentRolloutStatus): boolean {
  return status.canaryRevision !== undefined || status.scaleDownAt !== undefined;
}

function promote(context: ReconcileContext, request: ManualAction): string {
  const { status } = context;
  status.pause = undefined;
  if (status.canaryRevision && context.spec.strategy.canary) {
    advanceStep(context, `promoted by ${request.by}`, request.by);
    return "advanced to the next step";
  }
  if (status.canaryRevision && context.spec.strategy.blueGreen) {
    const refused = switchBlueGreen(context, `promoted by ${request.by}`, request.by);
    return refused
      ? `ignored: ${refused}; promote again once it is ready`
      : "switched traffic to the new track";
  }
  if (status.scaleDownAt) {
    finishScaleDown(context, request.by);
    return "retiring the previous track now";
  }
  return "ignored: no release to promote";
}

function abort(context: ReconcileContext, request: ManualAction): string {
  const { status } = context;
  if (status.canaryRevision) {
    abortRelease(context, { reason: "UserAborted", message: `aborted by ${request.by}`, by: request.by });
    return "aborted: traffic back to the stable track";
  }
  if (status.scaleDownAt) {
    rollBack(context, { reason: "UserAborted", message: `rolled back by ${request.by}`, by: request.by });
    return "rolled back to the previous track";
  }
  return "ignored: no release to abort";
}

function pause(context: ReconcileContext, request: ManualAction): string {
  if (!releaseRunning(context.status)) return "ignored: no release to pause";
  context.status.pause = { reason: "UserPaused", since: isoTime(context.now), by: request.by };
  return "paused: weights held";
}

function resume(context: ReconcileContext, request: ManualAction): string {
  const { status } = context;
  if (status.pause) {
    const wasInconclusive = status.pause.reason === "InconclusiveAnalysis";
    status.pause = undefined;
    if (wasInconclusive && status.analysis) status.analysis = { ...status.analysis, inconclusives: 0 };
    return wasInconclusive ? "resumed: analysis restarts its inconclusive count" : "resumed";
  }
  if (isAborted(context.spec, status)) {
    status.abortedRevision = undefined;
    status.abortedBy = undefined;
    return "retrying the aborted release";
  }
  return `ignored: nothing paused or aborted (by ${request.by})`;
}

const HANDLERS: Record<ManualActionName, (context: ReconcileContext, request: ManualAction) => string> = {
  promote,
  abort,
  pause,
  resume,
};

/** Applies the pending request, if any and not yet applied. */
export function applyManualAction(context: ReconcileContext): void {
  const request = readManualAction(context.rollout.metadata.annotations);
  if (!request || context.status.lastAction?.id === request.id) return;
  const requestedAt = Date.parse(request.at);
  const stale = !Number.isNaN(requestedAt) && context.now - requestedAt > ACTION_TTL_MS;
  const result = stale
    ? "ignored: request older than 15 minutes"
    : HANDLERS[request.action](context, request);
  context.status.lastAction = {
    id: request.id,
    action: request.action,
    by: request.by,
    at: isoTime(context.now),
    result,
  };
  decide(context, {
    decision: `manual-${request.action}`,
    reason: result,
    actor: request.by,
    revision: context.status.canaryRevision,
  });
  emit(context, "Normal", "ManualAction", `${request.action} by ${request.by}: ${result}`);
}
