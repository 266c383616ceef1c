/**
 * The I/O steps of a reconcile: read and set traffic through the router (always read back),
 * create and size the track Deployments, point the active and preview Services' selectors (the
 * controller owns them whole, see traffic/serviceSelector.ts).
 */
import type { Track } from "../../contract/agentRollout.ts";
import { trackName } from "../../contract/names.ts";
import { type Cluster, KINDS, type KubeObject } from "../kube/cluster.ts";
import { isAlreadyExists } from "../kube/errors.ts";
import { type RouteTarget, weightsHonoured } from "../traffic/router.ts";
import { applySelector, sameSelector, selectorFor } from "../traffic/serviceSelector.ts";
import type { ReconcileContext } from "./context.ts";
import { activeTrack, idleTrack } from "./phase.ts";
import { buildTrackDeployment, observeTrack, planTracks, type TrackPlan } from "./tracks.ts";
import { desiredWeights } from "./weights.ts";

/** Labels of every pod of the agent, on either track. */
export function podSelectorOf(context: ReconcileContext): Record<string, string> {
  return { ...context.spec.selector.matchLabels, agent: context.spec.agent };
}

export function routeTarget(context: ReconcileContext): RouteTarget {
  return {
    namespace: context.key.namespace,
    agent: context.spec.agent,
    traffic: context.spec.traffic,
    owner: context.owner,
    podSelector: podSelectorOf(context),
    stableTrack: activeTrack(context.status),
    readyReplicas: {
      blue: context.tracks.blue?.readyReplicas ?? 0,
      green: context.tracks.green?.readyReplicas ?? 0,
    },
  };
}

export async function observeTraffic(context: ReconcileContext): Promise<void> {
  context.weights = await context.router.reconcile(routeTarget(context));
}

export async function actuateTraffic(context: ReconcileContext): Promise<void> {
  const wanted = desiredWeights(context);
  if (weightsHonoured(context.router, wanted, context.weights)) return;
  const target = routeTarget(context);
  await context.router.setWeights(target, wanted);
  context.weights = await context.router.getWeights(target);
  if (!weightsHonoured(context.router, wanted, context.weights)) {
    context.problems.push(
      `traffic read back ${context.weights.blue}/${context.weights.green} after setting ${wanted.blue}/${wanted.green}`,
    );
  }
}

async function createTrack(
  cluster: Cluster,
  context: ReconcileContext,
  track: Track,
  replicas: number,
): Promise<KubeObject> {
  try {
    return await cluster.create(buildTrackDeployment(context, track, replicas));
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = await cluster.get(KINDS.deployment, {
      namespace: context.key.namespace,
      name: trackName(context.spec.agent, track),
    });
    if (!existing) throw error;
    return existing;
  }
}

async function actuateTrack(
  cluster: Cluster,
  context: ReconcileContext,
  track: Track,
  plan: TrackPlan,
): Promise<void> {
  const current = context.tracks[track];
  const key = { namespace: context.key.namespace, name: trackName(context.spec.agent, track) };
  if (!current) {
    if (plan.replicas === 0) return;
    if (!plan.desiredTemplate) {
      context.problems.push(
        `track ${track} is missing and its revision cannot be rebuilt from the current template`,
      );
      return;
    }
    context.tracks[track] = observeTrack(await createTrack(cluster, context, track, plan.replicas));
    return;
  }
  if (plan.desiredTemplate && current.revision !== context.desiredRevision) {
    // Never swap a template under traffic: the weights move away first, the template next pass.
    if ((context.weights?.[track] ?? 100) > 0) return;
    const wanted = buildTrackDeployment(context, track, plan.replicas);
    wanted.metadata.resourceVersion = current.object.metadata.resourceVersion;
    context.tracks[track] = observeTrack(await cluster.replace(wanted));
    return;
  }
  if (current.replicas !== plan.replicas) {
    context.tracks[track] = observeTrack(
      await cluster.patch(KINDS.deployment, key, { spec: { replicas: plan.replicas } }),
    );
  }
}

export async function actuateTracks(cluster: Cluster, context: ReconcileContext): Promise<void> {
  const plans = planTracks(context);
  // The stable (active) track first: it must be at full size before anything else moves.
  const active = activeTrack(context.status);
  await actuateTrack(cluster, context, active, plans[active]);
  await actuateTrack(cluster, context, idleTrack(context.status), plans[idleTrack(context.status)]);
}

/** Points a Service at one track: the controller owns its whole (atomic) selector. */
async function pointService(
  cluster: Cluster,
  context: ReconcileContext,
  name: string,
  track: Track,
): Promise<void> {
  const key = { namespace: context.key.namespace, name };
  const service = await cluster.get(KINDS.service, key);
  if (!service) {
    context.problems.push(`Service ${name} does not exist`);
    return;
  }
  const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
  const wanted = selectorFor(podSelectorOf(context), track);
  if (!sameSelector(selector, wanted)) await applySelector(cluster, key, wanted);
}

/**
 * The preview Service follows the track under release (else the active one). The active Service
 * follows verified traffic for routers that do not own it (HTTPRoute, HAProxy): it moves only once
 * all traffic reads back on one track.
 */
export async function syncServices(cluster: Cluster, context: ReconcileContext): Promise<void> {
  const { status, spec } = context;
  const active = activeTrack(status);
  await pointService(
    cluster,
    context,
    spec.traffic.previewService,
    status.canaryRevision ? idleTrack(status) : active,
  );
  if (context.router.kind === "serviceSelector" || context.router.kind === "replicaRatio") return;
  const weights = context.weights;
  const full = weights?.blue === 100 ? "blue" : weights?.green === 100 ? "green" : undefined;
  if (full) await pointService(cluster, context, spec.traffic.activeService, full);
}
