/**
 * The per-reconcile context (after Argo Rollouts' `rolloutContext`): what was read, the status
 * draft the decision steps edit, and what to report once the status is persisted. Decision steps
 * are pure functions of it; I/O steps fill `tracks` and `weights` and perform the changes.
 */

import type { Track } from "../../contract/agentRollout.ts";
import type { AgentRolloutSpec, AgentRolloutStatus, Measurement } from "../../crd/agentRollout.ts";
import type { KubeObject, ObjectKey, OwnerReference } from "../kube/cluster.ts";
import type { TrafficRouter, Weights } from "../traffic/router.ts";

/** A track's Deployment as observed. */
export interface TrackState {
  object: KubeObject;
  revision: string | undefined;
  /** spec.replicas */
  replicas: number;
  /** Ready pods of the current generation (0 while the Deployment has not observed its spec). */
  readyReplicas: number;
}

export interface PendingEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** One release decision, written to the audit log with who, what, why and the numbers behind it. */
export interface Decision {
  decision: string;
  reason: string;
  actor: string;
  revision?: string;
  weights?: Weights;
  measurements?: Measurement[];
}

export interface ReconcileContext {
  readonly now: number;
  /**
   * Wall-clock time, for what people stamp: manual requests carry the CLI's clock, so their
   * expiry and recorded times use real time even when the release clock runs faster.
   */
  readonly wallNow: number;
  readonly key: ObjectKey;
  readonly rollout: KubeObject;
  readonly spec: AgentRolloutSpec;
  /** Revision (template hash) Pulumi asks for. */
  readonly desiredRevision: string;
  /** Pods per track at full size: `spec.replicas` (the autoscaler's) or `spec.minReplicas`. */
  readonly desiredReplicas: number;
  readonly router: TrafficRouter;
  readonly owner: OwnerReference;
  /** Status as read; `status` is the draft written back once. */
  readonly original: AgentRolloutStatus;
  status: AgentRolloutStatus;
  tracks: Record<Track, TrackState | undefined>;
  /** Weights as read back from the router (undefined until read). */
  weights: Weights | undefined;
  events: PendingEvent[];
  decisions: Decision[];
  /** Earliest time something is due (analysis tick, pause end, scale-down); ms since epoch. */
  wakeAt: number | undefined;
  /** Problems of this pass that did not stop it (reported in status, retried next time). */
  problems: string[];
}

export function wakeAt(context: ReconcileContext, at: number): void {
  context.wakeAt = context.wakeAt === undefined ? at : Math.min(context.wakeAt, at);
}

export function decide(
  context: ReconcileContext,
  decision: Omit<Decision, "actor"> & { actor?: string },
): void {
  context.decisions.push({ actor: "controller", ...decision });
}

export function emit(
  context: ReconcileContext,
  type: PendingEvent["type"],
  reason: string,
  message: string,
): void {
  context.events.push({ type, reason, message });
}
