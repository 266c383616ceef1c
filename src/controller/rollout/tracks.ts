/**
 * Track Deployments (`<agent>-blue`, `<agent>-green`): built from the AgentRollout's template,
 * sized by pure rules. The stable track is always at full size (so an abort never lands on an
 * under-scaled side); the canary track is sized by its weight (at least one pod); a track is
 * scaled to 0 only once the router reads back no traffic on it.
 */

import type { Track } from "../../contract/agentRollout.ts";
import { ROLLOUT_CONTROLLER } from "../../contract/controller.ts";
import { LABEL_KEYS } from "../../contract/labels.ts";
import { trackName } from "../../contract/names.ts";
import type { AgentRolloutSpec } from "../../crd/agentRollout.ts";
import { KINDS, type KubeObject } from "../kube/cluster.ts";
import { sizesReplicas, type TrafficRouter } from "../traffic/router.ts";
import type { ReconcileContext, TrackState } from "./context.ts";
import { activeTrack, currentStep, idleTrack } from "./phase.ts";

/**
 * Pods per track at full size: the autoscaler's `spec.replicas` (or `minReplicas` before one was
 * written), kept within `[minReplicas, maxReplicas]` whatever wrote it (a `kubectl scale` to 0 or
 * far past the HPA's range never empties or floods the tracks).
 */
export function desiredReplicasOf(
  spec: Pick<AgentRolloutSpec, "replicas" | "minReplicas" | "maxReplicas">,
): number {
  const asked = spec.replicas ?? spec.minReplicas;
  const ceiling = Math.max(spec.maxReplicas ?? Number.POSITIVE_INFINITY, spec.minReplicas);
  return Math.min(Math.max(asked, spec.minReplicas), ceiling);
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}

/** Labels every pod of the track carries: template labels, selector, agent, track, revision. */
export function trackPodLabels(
  spec: AgentRolloutSpec,
  track: Track,
  revision: string,
): Record<string, string> {
  const template = spec.template as PodTemplate;
  return {
    ...template.metadata?.labels,
    ...spec.selector.matchLabels,
    agent: spec.agent,
    track,
    [LABEL_KEYS.revision]: revision,
  };
}

export function buildTrackDeployment(context: ReconcileContext, track: Track, replicas: number): KubeObject {
  const { spec, key, owner, desiredRevision } = context;
  const template = spec.template as PodTemplate;
  const podLabels = trackPodLabels(spec, track, desiredRevision);
  return {
    apiVersion: KINDS.deployment.apiVersion,
    kind: KINDS.deployment.kind,
    metadata: {
      name: trackName(spec.agent, track),
      namespace: key.namespace,
      labels: {
        ...spec.selector.matchLabels,
        agent: spec.agent,
        track,
        [LABEL_KEYS.revision]: desiredRevision,
        [LABEL_KEYS.rollout]: key.name,
        [LABEL_KEYS.managedBy]: ROLLOUT_CONTROLLER,
      },
      ownerReferences: [owner],
    },
    spec: {
      replicas,
      // The selector is immutable: it names the track, never the revision.
      selector: { matchLabels: { ...spec.selector.matchLabels, agent: spec.agent, track } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: { ...template, metadata: { ...template.metadata, labels: podLabels } },
    },
  };
}

interface DeploymentShape {
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; readyReplicas?: number };
}

export function observeTrack(object: KubeObject | undefined): TrackState | undefined {
  if (!object) return undefined;
  const shape = object as unknown as DeploymentShape;
  const current = (shape.status?.observedGeneration ?? 0) >= (object.metadata.generation ?? 1);
  return {
    object,
    revision: object.metadata.labels?.[LABEL_KEYS.revision],
    replicas: shape.spec?.replicas ?? 1,
    readyReplicas: current ? (shape.status?.readyReplicas ?? 0) : 0,
  };
}

/** Pods the canary needs for `weight` percent: the router decides when traffic follows pod counts. */
export function canaryReplicas(router: TrafficRouter, desiredReplicas: number, weight: number): number {
  if (sizesReplicas(router)) return router.canaryReplicas(desiredReplicas, weight);
  if (weight <= 0) return 0;
  return weight >= 100 ? desiredReplicas : Math.max(1, Math.ceil((desiredReplicas * weight) / 100));
}

/** Whether the idle track runs the release's revision with the ready pods its current step needs. */
export function canaryCarriesStep(context: ReconcileContext): boolean {
  const { status, tracks, router, desiredReplicas } = context;
  const track = tracks[idleTrack(status)];
  if (!track || track.revision !== status.canaryRevision) return false;
  const weight = currentStep(context.spec, status)?.setWeight ?? 0;
  return track.readyReplicas >= canaryReplicas(router, desiredReplicas, weight) && track.replicas >= 1;
}

export interface TrackPlan {
  replicas: number;
  /** The track must run the desired revision (created or updated from the template). */
  desiredTemplate: boolean;
}

/** Replicas and template of the idle (canary / preview / previous) track for this pass. */
function idlePlan(context: ReconcileContext): TrackPlan {
  const { status, desiredReplicas, weights } = context;
  const idle = idleTrack(status);
  if (status.canaryRevision) {
    const step = currentStep(context.spec, status);
    const replicas = step ? canaryReplicas(context.router, desiredReplicas, step.setWeight) : desiredReplicas;
    return { replicas, desiredTemplate: true };
  }
  const current = context.tracks[idle]?.replicas ?? 0;
  // Kept for rollback until its time, or for as long as a user holds the release.
  const kept =
    status.scaleDownAt !== undefined &&
    (context.now < Date.parse(status.scaleDownAt) || status.pause !== undefined);
  if (kept) return { replicas: Math.max(current, desiredReplicas), desiredTemplate: false };
  // Scale down only when traffic is confirmed off the track (read back, not assumed).
  const trafficOff = weights !== undefined && weights[idle] === 0;
  return { replicas: trafficOff ? 0 : current, desiredTemplate: false };
}

export function planTracks(context: ReconcileContext): Record<Track, TrackPlan> {
  const active = activeTrack(context.status);
  const activePlan: TrackPlan = {
    replicas: context.desiredReplicas,
    desiredTemplate: context.status.stableRevision === context.desiredRevision,
  };
  return { [active]: activePlan, [idleTrack(context.status)]: idlePlan(context) } as Record<Track, TrackPlan>;
}
