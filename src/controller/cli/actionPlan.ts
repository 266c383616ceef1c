/**
 * What the CLI does with a manual action, decided from the AgentRollout as read (pure). Only one
 * request fits on the object, so a new one never silently replaces another:
 * - an unanswered abort is never replaced, except by a newer abort the operator asks for
 *   explicitly (`--replace`, recorded as an override);
 * - an abort replaces any other unanswered request, a pause an unanswered promote or resume,
 *   and the replaced requests are named so the controller records them as Superseded;
 * - the same request twice (a retry, a double click) joins the first instead of adding one;
 * - a promote is bound to the gate it was read at, and a promote without `--step` right after
 *   another was applied is refused: it is more likely a retry than a second decision.
 */
import type { ActionRecord, AgentRolloutSpec, AgentRolloutStatus } from "../../crd/agentRollout.ts";
import type { KubeObject } from "../kube/cluster.ts";
import {
  describeGate,
  gateOf,
  type ManualAction,
  type ManualActionName,
  pendingRequest,
  releaseRevisionOf,
} from "../rollout/actionRequest.ts";

/** A promote within this long of an applied one needs `--step` to say it is meant. */
export const RECENT_PROMOTE_MS = 60_000;

export interface ActionIntent {
  action: ManualActionName;
  id: string;
  by: string;
  /** Replace an unanswered abort with this (newer) abort. */
  replace: boolean;
  /** The gate the operator named (`--step N` → `step-N`); otherwise the one read first. */
  explicitGate: string | undefined;
}

/** The revision and gate a request applies to, fixed at the first read: what the operator saw. */
export interface Binding {
  revision: string | undefined;
  gate: string | undefined;
}

export type ActionPlan =
  | { kind: "write"; request: ManualAction }
  | { kind: "join"; id: string; note: string }
  | { kind: "done"; record: ActionRecord; note: string }
  | { kind: "refuse"; reason: string };

/** `--step` value → gate: `2` → `step-2`; `switch` and `scale-down` as they are. */
export function gateFromStepFlag(value: string): string {
  if (/^[1-9][0-9]*$/.test(value)) return `step-${value}`;
  if (value === "switch" || value === "scale-down") return value;
  throw new Error(
    `--step must be a step number (as \`status\` shows it), "switch" or "scale-down"; got "${value}"`,
  );
}

export function stepFlagOf(gate: string): string {
  return gate.startsWith("step-") ? gate.slice("step-".length) : gate;
}

export function bindingOf(rollout: KubeObject, explicitGate: string | undefined): Binding {
  const spec = rollout.spec as Pick<AgentRolloutSpec, "strategy">;
  const status = (rollout.status ?? {}) as AgentRolloutStatus;
  return { revision: releaseRevisionOf(status), gate: explicitGate ?? gateOf(spec, status) };
}

function describeRequest(request: ManualAction): string {
  return `${request.action} requested by ${request.by} at ${request.at} (${request.id})`;
}

/** Which pending requests an action may replace. */
function mayReplace(action: ManualActionName, pending: ManualAction, replace: boolean): boolean {
  if (pending.action === "abort") return action === "abort" && replace;
  if (action === "abort") return true;
  return action === "pause" && (pending.action === "promote" || pending.action === "resume");
}

function samePromote(
  record: { action: string; gate?: string; revision?: string },
  binding: Binding,
): boolean {
  return record.action === "promote" && record.gate === binding.gate && record.revision === binding.revision;
}

export function planAction(
  intent: ActionIntent,
  binding: Binding,
  rollout: KubeObject,
  now: number,
): ActionPlan {
  const status = (rollout.status ?? {}) as AgentRolloutStatus;
  const history = status.actionHistory ?? (status.lastAction ? [status.lastAction] : []);
  const pending = pendingRequest(rollout.metadata.annotations, status, now);
  if (intent.action === "promote") {
    const done = [...history]
      .reverse()
      .find((entry) => entry.outcome === "Applied" && samePromote(entry, binding));
    if (done)
      return {
        kind: "done",
        record: done,
        note: `this promote was already applied (${done.id} by ${done.by})`,
      };
  }
  if (pending) {
    const same =
      pending.action === intent.action &&
      (intent.action !== "promote" || samePromote(pending, binding)) &&
      !(intent.action === "abort" && intent.replace);
    if (same)
      return {
        kind: "join",
        id: pending.id,
        note: `the same request is already pending: ${describeRequest(pending)}`,
      };
    if (!mayReplace(intent.action, pending, intent.replace)) {
      const fix =
        pending.action === "abort"
          ? intent.action === "abort"
            ? "pass --replace to re-issue the abort in its place (recorded)"
            : "an abort cannot be replaced; wait until the controller takes it up (is it running?)"
          : "wait until the controller takes it up, or abort";
      return {
        kind: "refuse",
        reason: `refused: ${describeRequest(pending)} has not been taken up yet; ${fix}`,
      };
    }
  }
  if (intent.action === "promote" && !intent.explicitGate) {
    const last = [...history]
      .reverse()
      .find((entry) => entry.action === "promote" && entry.outcome === "Applied");
    const age = last ? now - Date.parse(last.at) : Number.POSITIVE_INFINITY;
    if (last && age < RECENT_PROMOTE_MS && binding.gate) {
      return {
        kind: "refuse",
        reason: `refused: a promote by ${last.by} was applied ${Math.round(age / 1000)}s ago (${describeGate(last.gate)}); the release is now at ${describeGate(binding.gate)}. If you mean to promote that too, run promote --step ${stepFlagOf(binding.gate)}`,
      };
    }
  }
  const replaced = pending && mayReplace(intent.action, pending, intent.replace) ? pending : undefined;
  return {
    kind: "write",
    request: {
      action: intent.action,
      id: intent.id,
      by: intent.by,
      at: new Date(now).toISOString(),
      revision: binding.revision,
      gate: binding.gate,
      supersedes: replaced
        ? [...replaced.supersedes, { id: replaced.id, action: replaced.action, by: replaced.by }]
        : [],
      override:
        replaced?.action === "abort"
          ? `--replace by ${intent.by}: replaces ${describeRequest(replaced)}`
          : undefined,
    },
  };
}
