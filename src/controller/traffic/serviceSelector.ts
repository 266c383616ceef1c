/**
 * Service selector router: the active Service's `track` selector points at one track, so traffic
 * switches all at once (blue-green). It has no `splitsTraffic` capability: canaries need another router.
 *
 * Ownership: a Service's `spec.selector` is one atomic field under server-side apply, so it has a
 * single owner. Pulumi renders the active and preview Services of a released agent without a
 * selector; the controller server-side-applies the whole selector (the agent's pod labels plus
 * `track`) with its own field manager, forcing once to take it over from an older render.
 */
import type { Track } from "../../contract/agentRollout.ts";
import { type Cluster, KINDS, type ObjectKey } from "../kube/cluster.ts";
import {
  type RouteTarget,
  requireAllOrNothing,
  type TrafficRouter,
  type Weights,
  weightsTo,
} from "./router.ts";

export type Selector = Record<string, string>;

/** The selector of the agent's pods on `track`, or on both tracks for `null`. */
export function selectorFor(podSelector: Selector, track: Track | null): Selector {
  return track ? { ...podSelector, track } : { ...podSelector };
}

export function sameSelector(a: Selector | undefined, b: Selector): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

export async function readSelector(cluster: Cluster, key: ObjectKey): Promise<Selector | undefined> {
  const service = await cluster.get(KINDS.service, key);
  if (!service) throw new Error(`Service ${key.namespace}/${key.name} does not exist`);
  return (service.spec as { selector?: Selector } | undefined)?.selector;
}

/** Applies the whole selector as the controller's field (see the ownership note above). */
export async function applySelector(cluster: Cluster, key: ObjectKey, selector: Selector): Promise<void> {
  await cluster.apply(
    {
      apiVersion: KINDS.service.apiVersion,
      kind: KINDS.service.kind,
      metadata: { name: key.name, namespace: key.namespace },
      spec: { selector },
    },
    { force: true },
  );
}

function activeKey(target: RouteTarget): ObjectKey {
  return { namespace: target.namespace, name: target.traffic.activeService };
}

/** The track the active Service selects, `null` when it selects no single track of this agent. */
export async function readSelectorTrack(cluster: Cluster, target: RouteTarget): Promise<Track | null> {
  const selector = await readSelector(cluster, activeKey(target));
  const track = selector?.track;
  if (track !== "blue" && track !== "green") return null;
  return sameSelector(selector, selectorFor(target.podSelector, track)) ? track : null;
}

/** Whether the active Service selects the agent's pods at all (on one track or both). */
export async function selectsAgent(cluster: Cluster, target: RouteTarget): Promise<boolean> {
  const selector = await readSelector(cluster, activeKey(target));
  if (!selector) return false;
  const track = selector.track === "blue" || selector.track === "green" ? selector.track : null;
  return sameSelector(selector, selectorFor(target.podSelector, track));
}

export async function patchSelectorTrack(
  cluster: Cluster,
  target: RouteTarget,
  track: Track | null,
): Promise<void> {
  await applySelector(cluster, activeKey(target), selectorFor(target.podSelector, track));
}

export class ServiceSelectorRouter implements TrafficRouter {
  readonly kind = "serviceSelector" as const;
  private readonly cluster: Cluster;

  constructor(cluster: Cluster) {
    this.cluster = cluster;
  }

  async reconcile(target: RouteTarget): Promise<Weights> {
    const track = await readSelectorTrack(this.cluster, target);
    if (track) return weightsTo(track, 100);
    await patchSelectorTrack(this.cluster, target, target.stableTrack);
    return weightsTo(target.stableTrack, 100);
  }

  async setWeights(target: RouteTarget, weights: Weights): Promise<void> {
    requireAllOrNothing(this.kind, weights);
    await patchSelectorTrack(this.cluster, target, weights.blue === 100 ? "blue" : "green");
  }

  async getWeights(target: RouteTarget): Promise<Weights> {
    const track = await readSelectorTrack(this.cluster, target);
    if (!track) throw new Error(`Service ${target.traffic.activeService} selects no single track`);
    return weightsTo(track, 100);
  }
}
