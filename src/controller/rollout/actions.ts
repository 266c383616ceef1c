/**
 * Manual actions, controller side. The CLI writes a request as annotations (see actionRequest.ts);
 * the controller never writes the AgentRollout's metadata (so its RBAC needs no `patch` on
 * agentrollouts and it cannot touch Pulumi's fields), it only records outcomes in status.
 *
 * Every request ends in exactly one recorded outcome — Applied, Refused (why) or Superseded (by
 * what) — in `status.lastAction`/`status.actionHistory`, an Event and the audit log. A promote is
 * bound to the revision and gate the operator saw: for any other gate it is stale and changes
 * nothing, so a retried or doubled promote can never pass a second gate.
 */
import type { ActionOutcome, ActionRecord } from "../../crd/agentRollout.ts";
import { isoTime } from "../clock.ts";
import { type Weights, weightsHonoured, weightsTo } from "../traffic/router.ts";
import {
  ACTION_ANNOTATIONS,
  ACTION_HISTORY_LIMIT,
  describeGate,
  gateOf,
  isExpired,
  type ManualAction,
  readManualAction,
  recordedOutcome,
  releaseRevisionOf,
  type SupersededRequest,
} from "./actionRequest.ts";
import { decide, emit, type ReconcileContext } from "./context.ts";
import { abortRelease, rollBack } from "./decide/fail.ts";
import { advanceStep } from "./decide/progress.ts";
import { finishScaleDown, switchBlueGreen } from "./decide/promote.ts";
import { activeTrack, currentStep, idleTrack, isAborted } from "./phase.ts";

interface Verdict {
  outcome: Exclude<ActionOutcome, "Superseded">;
  result: string;
  /** Where the applied action sends traffic (promote, abort), to be confirmed by the router. */
  target?: Weights;
}

const applied = (result: string, target?: Weights): Verdict => ({ outcome: "Applied", result, target });

/** The weights the release heads for now, pod readiness aside: what an applied action aims at. */
function releaseTarget(context: ReconcileContext): Weights {
  const { status, spec } = context;
  if (status.canaryRevision && spec.strategy.canary)
    return weightsTo(idleTrack(status), currentStep(spec, status)?.setWeight ?? 0);
  return weightsTo(activeTrack(status), 100);
}
const refused = (result: string): Verdict => ({ outcome: "Refused", result });

function releaseRunning(context: ReconcileContext): boolean {
  return context.status.canaryRevision !== undefined || context.status.scaleDownAt !== undefined;
}

/** Why a promote does not apply to the release as it stands now, if it does not. */
function staleness(context: ReconcileContext, request: ManualAction): string | undefined {
  const current = gateOf(context.spec, context.status);
  if (!current) return "no release to promote";
  if (!request.gate)
    return `the request does not name the gate it applies to (${ACTION_ANNOTATIONS.gate}); use \`agent-fleet rollout promote\`, which binds it to what you saw`;
  const revision = releaseRevisionOf(context.status);
  if (request.revision && request.revision !== revision)
    return `stale: revision ${request.revision} is no longer the one releasing (now ${revision}); nothing changed`;
  if (request.gate !== current)
    return `stale: the promote was for ${describeGate(request.gate)}, the release is at ${describeGate(current)}; nothing changed`;
  return undefined;
}

function promote(context: ReconcileContext, request: ManualAction): Verdict {
  const { status } = context;
  const stale = staleness(context, request);
  if (stale) return refused(stale);
  status.pause = undefined;
  if (status.canaryRevision && context.spec.strategy.canary) {
    advanceStep(context, `promoted by ${request.by}`, request.by);
    return applied(`advanced past ${describeGate(request.gate)}`, releaseTarget(context));
  }
  if (status.canaryRevision && context.spec.strategy.blueGreen) {
    const notReady = switchBlueGreen(context, `promoted by ${request.by}`, request.by);
    return notReady
      ? refused(`${notReady}; promote again once it is ready`)
      : applied("switched traffic to the new track", releaseTarget(context));
  }
  finishScaleDown(context, request.by);
  return applied("retiring the previous track now");
}

function abort(context: ReconcileContext, request: ManualAction): Verdict {
  const { status } = context;
  if (status.canaryRevision) {
    abortRelease(context, { reason: "UserAborted", message: `aborted by ${request.by}`, by: request.by });
    return applied("aborted: all traffic to the stable track", releaseTarget(context));
  }
  if (status.scaleDownAt) {
    rollBack(context, { reason: "UserAborted", message: `rolled back by ${request.by}`, by: request.by });
    return applied("rolled back to the previous track", releaseTarget(context));
  }
  return refused("no release to abort");
}

function pause(context: ReconcileContext, request: ManualAction): Verdict {
  if (!releaseRunning(context)) return refused("no release to pause");
  context.status.pause = { reason: "UserPaused", since: isoTime(context.now), by: request.by };
  return applied("paused: weights held");
}

function resume(context: ReconcileContext, _request: ManualAction): Verdict {
  const { status } = context;
  if (status.pause) {
    const wasInconclusive = status.pause.reason === "InconclusiveAnalysis";
    status.pause = undefined;
    if (wasInconclusive && status.analysis) status.analysis = { ...status.analysis, inconclusives: 0 };
    return applied(wasInconclusive ? "resumed: analysis restarts its inconclusive count" : "resumed");
  }
  if (isAborted(context.spec, status)) {
    status.abortedRevision = undefined;
    status.abortedBy = undefined;
    return applied("retrying the aborted release");
  }
  return refused("nothing paused or aborted");
}

const HANDLERS: Record<
  ManualAction["action"],
  (context: ReconcileContext, request: ManualAction) => Verdict
> = {
  promote,
  abort,
  pause,
  resume,
};

/** Writes one outcome to status, the audit log and an Event. */
function record(
  context: ReconcileContext,
  request: SupersededRequest & Partial<Pick<ManualAction, "gate" | "revision">>,
  outcome: ActionOutcome,
  result: string,
  target?: Weights,
): void {
  const entry: ActionRecord = {
    id: request.id,
    action: request.action,
    by: request.by,
    at: isoTime(context.wallNow),
    outcome,
    result,
    ...(request.revision ? { revision: request.revision } : {}),
    ...(request.gate ? { gate: request.gate } : {}),
    ...(target ? { target } : {}),
  };
  const { status } = context;
  status.actionHistory = [...(status.actionHistory ?? []), entry].slice(-ACTION_HISTORY_LIMIT);
  status.lastAction = entry;
  decide(context, {
    decision: `manual-${request.action}`,
    reason: `${outcome}: ${result}`,
    actor: request.by,
    revision: status.canaryRevision ?? request.revision,
  });
  emit(
    context,
    outcome === "Applied" ? "Normal" : "Warning",
    `ManualAction${outcome}`,
    `${request.action} by ${request.by} (${request.id}): ${outcome.toLowerCase()}: ${result}`,
  );
}

/** Takes up the pending request, if any: first the requests it replaced, then the request itself. */
export function applyManualAction(context: ReconcileContext): void {
  const request = readManualAction(context.rollout.metadata.annotations);
  if (!request || recordedOutcome(context.status, request.id)) return;
  for (const replaced of request.supersedes) {
    if (recordedOutcome(context.status, replaced.id)) continue;
    const how = request.override ? ` (explicit override: ${request.override})` : "";
    record(
      context,
      replaced,
      "Superseded",
      `superseded by ${request.action} ${request.id} from ${request.by}${how}`,
    );
  }
  const verdict = isExpired(request, context.wallNow)
    ? refused("request older than 15 minutes; ask again if it still applies")
    : HANDLERS[request.action](context, request);
  record(context, request, verdict.outcome, verdict.result, verdict.target);
}

/**
 * After traffic was set and read back: stamps the last applied action once the router shows its
 * weights, which is when the CLI may call it done. A later abort or rollback that moves traffic
 * elsewhere first leaves it unconfirmed, which is the truth.
 */
export function confirmActionTraffic(context: ReconcileContext): void {
  const last = context.status.lastAction;
  if (!last?.target || last.confirmedAt || last.outcome !== "Applied") return;
  if (!weightsHonoured(context.router, last.target, context.weights)) return;
  const confirmedAt = isoTime(context.wallNow);
  context.status.lastAction = { ...last, confirmedAt };
  context.status.actionHistory = context.status.actionHistory?.map((entry) =>
    entry.id === last.id ? { ...entry, confirmedAt } : entry,
  );
}
