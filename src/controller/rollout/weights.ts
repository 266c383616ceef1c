/**
 * Where traffic should be, as a pure function of the status draft and what was observed.
 * Traffic moves toward a track only when it has the ready pods for its new share; it moves back
 * to the stable track at once (abort, rollback, cancelled release), whatever the canary's state.
 * A release's first canary traffic also waits for Prometheus to scrape the canary (scrapeGate.ts).
 */
import { type Weights, weightsTo } from "../traffic/router.ts";
import type { ReconcileContext } from "./context.ts";
import { activeTrack, currentStep, idleTrack } from "./phase.ts";
import { gateHoldsTraffic } from "./scrapeGate.ts";
import { canaryCarriesStep } from "./tracks.ts";

/** The canary share this step asks for, capped by what the canary track can carry right now. */
function canaryShare(context: ReconcileContext): number {
  const { status, tracks, weights } = context;
  const canary = idleTrack(status);
  const runsRelease = tracks[canary]?.revision === status.canaryRevision;
  const stepWeight = currentStep(context.spec, status)?.setWeight ?? 0;
  if (!runsRelease || gateHoldsTraffic(context)) return 0;
  if (canaryCarriesStep(context)) return stepWeight;
  return Math.min(weights?.[canary] ?? 0, stepWeight);
}

export function desiredWeights(context: ReconcileContext): Weights {
  const { status, weights, tracks, desiredReplicas } = context;
  const active = activeTrack(status);
  if (status.pause && weights) return weights;
  if (status.canaryRevision) {
    if (context.spec.strategy.canary) return weightsTo(idleTrack(status), canaryShare(context));
    return weightsTo(active, 100);
  }
  // Promotion in progress: finish moving traffic only once the new track carries full size.
  const activeReady = tracks[active]?.readyReplicas ?? 0;
  if (status.scaleDownAt && weights && weights[active] < 100 && activeReady < desiredReplicas) return weights;
  return weightsTo(active, 100);
}
