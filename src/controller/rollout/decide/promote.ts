/**
 * Promotion: the new track takes all traffic (a canary's last step, a blue-green switch) and the
 * previous one is retired once its delay is over and it is at 0.
 */
import type { Measurement } from "../../../crd/agentRollout.ts";
import { isoTime, parseTime } from "../../clock.ts";
import { decide, emit, type ReconcileContext, wakeAt } from "../context.ts";
import { idleTrack } from "../phase.ts";
import { clearRelease, freshAnalysis } from "./releaseState.ts";

/** With evidence, the audit line of a promotion carries the measurements it rests on. */
function evidenceBehind(context: ReconcileContext): { measurements?: Measurement[] } {
  const evidence =
    context.spec.strategy.canary?.analysis.evidence ?? context.spec.strategy.blueGreen?.analysis.evidence;
  const measurements = context.status.analysis?.lastMeasurements;
  return evidence && measurements?.length ? { measurements } : {};
}

export function promoteCanary(context: ReconcileContext, reason: string, actor?: string): void {
  const { status } = context;
  const revision = status.canaryRevision;
  status.activeTrack = idleTrack(status);
  status.stableRevision = revision;
  clearRelease(status);
  status.scaleDownAt = isoTime(context.now);
  decide(context, { decision: "promote", reason, actor, revision, ...evidenceBehind(context) });
  emit(context, "Normal", "Promoted", `revision ${revision} promoted on ${status.activeTrack}: ${reason}`);
}

/** Blue-green switch, refused until the new track is fully ready: returns why not, or undefined once switched. */
export function switchBlueGreen(
  context: ReconcileContext,
  reason: string,
  actor?: string,
): string | undefined {
  const { status } = context;
  const idle = idleTrack(status);
  const ready = context.tracks[idle]?.readyReplicas ?? 0;
  if (
    status.canaryRevision === undefined ||
    context.tracks[idle]?.revision !== status.canaryRevision ||
    ready < context.desiredReplicas
  ) {
    return `track ${idle} has ${ready}/${context.desiredReplicas} ready pods of the new revision`;
  }
  const revision = status.canaryRevision;
  const delaySeconds = context.spec.strategy.blueGreen?.scaleDownDelaySeconds ?? 0;
  status.activeTrack = idle;
  status.stableRevision = revision;
  clearRelease(status);
  status.stepStartedAt = isoTime(context.now);
  status.analysis = freshAnalysis(status.analysis);
  if (context.spec.strategy.blueGreen?.analysis.evidence) {
    // After the switch the new active track is judged alone, on a window of its own.
    status.analysisStartedAt = status.stepStartedAt;
    status.analysisStartedWallAt = isoTime(context.wallNow);
    status.analysis = {
      ...status.analysis,
      verdict: undefined,
      verdictReason: undefined,
      lastLookAt: undefined,
    };
  }
  status.scaleDownAt = isoTime(context.now + delaySeconds * 1000);
  decide(context, { decision: "switch", reason, actor, revision, ...evidenceBehind(context) });
  emit(
    context,
    "Normal",
    "Switched",
    `all traffic to ${idle} (revision ${revision}); previous track kept ${delaySeconds}s for rollback`,
  );
  return undefined;
}

export function finishScaleDown(context: ReconcileContext, actor: string): void {
  context.status.scaleDownAt = isoTime(context.now);
  decide(context, { decision: "retire-now", reason: "previous track retired early", actor });
}

/** Ends the Promoting phase once the previous track is at 0 (after its delay). */
export function completeScaleDown(context: ReconcileContext): void {
  const { status } = context;
  if (!status.scaleDownAt || status.canaryRevision || status.pause) return;
  const at = parseTime(status.scaleDownAt) ?? context.now;
  if (context.now < at) {
    wakeAt(context, at);
    return;
  }
  const previous = context.tracks[idleTrack(status)];
  if (previous && previous.replicas > 0) return;
  status.scaleDownAt = undefined;
  status.stepStartedAt = undefined;
  status.analysisStartedAt = undefined;
  status.analysisStartedWallAt = undefined;
  status.scrapeGate = undefined;
  decide(context, {
    decision: "complete",
    reason: `revision ${status.stableRevision} serves all traffic; previous track at 0`,
  });
  emit(
    context,
    "Normal",
    "ReleaseComplete",
    `revision ${status.stableRevision} is stable on ${status.activeTrack}`,
  );
}
