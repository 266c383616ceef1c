/**
 * The wire format of a manual action, shared by the CLI (which writes it) and the controller
 * (which records its one outcome). A request is a set of annotations on the AgentRollout:
 *   agentfleet.dev/action             promote | abort | pause | resume
 *   agentfleet.dev/action-id          unique per request
 *   agentfleet.dev/action-by          who asked
 *   agentfleet.dev/action-at          when (ISO time)
 *   agentfleet.dev/action-revision    the revision the operator saw releasing
 *   agentfleet.dev/action-gate        the gate it applies to: `step-N` (1-based), `switch`, `scale-down`
 *   agentfleet.dev/action-supersedes  JSON list of the unacknowledged requests it replaced
 *   agentfleet.dev/action-override    why a pending abort was replaced (explicit, recorded)
 * Only one request fits on the object, so replacing one is a decision the CLI makes explicitly
 * (and names in `supersedes`) under optimistic concurrency, never last-writer-wins.
 */

import { FLEET_PREFIX } from "../../contract/labels.ts";
import type { ActionRecord, AgentRolloutSpec, AgentRolloutStatus } from "../../crd/agentRollout.ts";

export const ACTIONS = ["promote", "abort", "pause", "resume"] as const;
export type ManualActionName = (typeof ACTIONS)[number];

export const ACTION_ANNOTATIONS = {
  action: `${FLEET_PREFIX}action`,
  id: `${FLEET_PREFIX}action-id`,
  by: `${FLEET_PREFIX}action-by`,
  at: `${FLEET_PREFIX}action-at`,
  revision: `${FLEET_PREFIX}action-revision`,
  gate: `${FLEET_PREFIX}action-gate`,
  supersedes: `${FLEET_PREFIX}action-supersedes`,
  override: `${FLEET_PREFIX}action-override`,
} as const;

/** Requests older than this with no recorded outcome are refused, not replayed (e.g. status was lost). */
export const ACTION_TTL_MS = 15 * 60 * 1000;

/** How many outcomes `status.actionHistory` keeps. */
export const ACTION_HISTORY_LIMIT = 10;

export interface SupersededRequest {
  id: string;
  action: ManualActionName;
  by: string;
}

export interface ManualAction {
  action: ManualActionName;
  id: string;
  by: string;
  at: string;
  revision?: string;
  gate?: string;
  supersedes: SupersededRequest[];
  override?: string;
}

function isAction(value: unknown): value is ManualActionName {
  return typeof value === "string" && (ACTIONS as readonly string[]).includes(value);
}

function parseSupersedes(text: string | undefined): SupersededRequest[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (entry): entry is SupersededRequest =>
        typeof entry?.id === "string" && isAction(entry?.action) && typeof entry?.by === "string",
    );
  } catch {
    return [];
  }
}

export function readManualAction(annotations: Record<string, string> | undefined): ManualAction | undefined {
  const action = annotations?.[ACTION_ANNOTATIONS.action];
  const id = annotations?.[ACTION_ANNOTATIONS.id];
  if (!id || !isAction(action)) return undefined;
  return {
    action,
    id,
    by: annotations?.[ACTION_ANNOTATIONS.by] ?? "unknown",
    at: annotations?.[ACTION_ANNOTATIONS.at] ?? "",
    revision: annotations?.[ACTION_ANNOTATIONS.revision] || undefined,
    gate: annotations?.[ACTION_ANNOTATIONS.gate] || undefined,
    supersedes: parseSupersedes(annotations?.[ACTION_ANNOTATIONS.supersedes]),
    override: annotations?.[ACTION_ANNOTATIONS.override] || undefined,
  };
}

/** The annotations of a request; keys it does not use are `null` so a merge patch removes old values. */
export function actionAnnotations(request: ManualAction): Record<string, string | null> {
  return {
    [ACTION_ANNOTATIONS.action]: request.action,
    [ACTION_ANNOTATIONS.id]: request.id,
    [ACTION_ANNOTATIONS.by]: request.by,
    [ACTION_ANNOTATIONS.at]: request.at,
    [ACTION_ANNOTATIONS.revision]: request.revision ?? null,
    [ACTION_ANNOTATIONS.gate]: request.gate ?? null,
    [ACTION_ANNOTATIONS.supersedes]:
      request.supersedes.length > 0 ? JSON.stringify(request.supersedes) : null,
    [ACTION_ANNOTATIONS.override]: request.override ?? null,
  };
}

/**
 * The gate a release is waiting at, which a promote must name: `step-N` for a canary's step N
 * (1-based, as `status` prints it), `switch` for a blue-green preview, `scale-down` while the
 * previous track is kept for rollback. Undefined when nothing can be promoted.
 */
export function gateOf(
  spec: Pick<AgentRolloutSpec, "strategy">,
  status: AgentRolloutStatus,
): string | undefined {
  if (status.canaryRevision && spec.strategy.canary) return `step-${(status.currentStepIndex ?? 0) + 1}`;
  if (status.canaryRevision && spec.strategy.blueGreen) return "switch";
  if (status.scaleDownAt) return "scale-down";
  return undefined;
}

/** The revision a manual action is about: the one being released, or the one just promoted. */
export function releaseRevisionOf(status: AgentRolloutStatus): string | undefined {
  return status.canaryRevision ?? (status.scaleDownAt ? status.stableRevision : undefined);
}

export function describeGate(gate: string | undefined): string {
  if (!gate) return "no gate";
  if (gate.startsWith("step-")) return `step ${gate.slice("step-".length)}`;
  if (gate === "switch") return "the blue-green switch";
  if (gate === "scale-down") return "the previous track's retirement";
  return gate;
}

/** The recorded outcome of a request, if the controller has taken it up. */
export function recordedOutcome(
  status: AgentRolloutStatus | undefined,
  id: string,
): ActionRecord | undefined {
  if (status?.lastAction?.id === id) return status.lastAction;
  return status?.actionHistory?.find((record) => record.id === id);
}

export function isExpired(request: ManualAction, now: number): boolean {
  const requestedAt = Date.parse(request.at);
  return !Number.isNaN(requestedAt) && now - requestedAt > ACTION_TTL_MS;
}

/** The request on the object that the controller has not answered yet (and still would). */
export function pendingRequest(
  annotations: Record<string, string> | undefined,
  status: AgentRolloutStatus | undefined,
  now: number,
): ManualAction | undefined {
  const request = readManualAction(annotations);
  if (!request || recordedOutcome(status, request.id) || isExpired(request, now)) return undefined;
  return request;
}
