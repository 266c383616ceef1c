/**
 * The traffic router port (after Flagger's four-method router): `reconcile` creates or repairs
 * what the router owns and returns the weights in force, `setWeights` changes them, `getWeights`
 * reads them back from the data plane. Features a router lacks are absent capabilities (the
 * optional interfaces below), checked before use, never silent no-ops.
 */
import type { Track } from "../../contract/agentRollout.ts";
import type { TrafficSpec } from "../../crd/agentRollout.ts";
import type { OwnerReference } from "../kube/cluster.ts";

/** Percent of traffic per track, as the data plane is configured (or achieves) it. */
export type Weights = Record<Track, number>;

export interface RouteTarget {
  namespace: string;
  agent: string;
  traffic: TrafficSpec;
  /** Owner of objects the router creates (the AgentRollout), so they go away with it. */
  owner: OwnerReference;
  /** Labels of every pod of the agent, whatever its track (`spec.selector.matchLabels` + agent). */
  podSelector: Record<string, string>;
  /** Serves everything when the router's objects are first created. */
  stableTrack: Track;
  /** Ready pods per track, for routers whose split follows pod counts. */
  readyReplicas: Record<Track, number>;
}

export interface TrafficRouter {
  readonly kind: RouterKind;
  /** Creates or repairs what the router owns, keeping the weights in force; returns them. */
  reconcile(target: RouteTarget): Promise<Weights>;
  /** Routers without `splitsTraffic` accept only all-or-nothing weights. */
  setWeights(target: RouteTarget, weights: Weights): Promise<void>;
  /** What the data plane does now, read back, not what was last written. */
  getWeights(target: RouteTarget): Promise<Weights>;
}

/** Capability: a fraction of traffic can go to a track (required by canary releases). */
export interface TrafficSplitter {
  readonly splitsTraffic: true;
  /** Whether `actual` honours `desired` when the router cannot hit exact percentages. Absent: exact match. */
  satisfies?(desired: Weights, actual: Weights): boolean;
}

/** Capability: the canary track's size sets its traffic share, so the router decides that size. */
export interface ReplicaSizing {
  canaryReplicas(desiredReplicas: number, weight: number): number;
}

export type RouterKind = "gatewayAPI" | "serviceSelector" | "replicaRatio" | "haproxy";

export function splitsTraffic(router: TrafficRouter): router is TrafficRouter & TrafficSplitter {
  return (router as Partial<TrafficSplitter>).splitsTraffic === true;
}

export function sizesReplicas(router: TrafficRouter): router is TrafficRouter & ReplicaSizing {
  return typeof (router as Partial<ReplicaSizing>).canaryReplicas === "function";
}

export function otherTrack(track: Track): Track {
  return track === "blue" ? "green" : "blue";
}

/** `percent` to `track`, the rest to the other one. */
export function weightsTo(track: Track, percent: number): Weights {
  const other = otherTrack(track);
  return { [track]: percent, [other]: 100 - percent } as Weights;
}

export function sameWeights(a: Weights | undefined, b: Weights | undefined): boolean {
  return a !== undefined && b !== undefined && a.blue === b.blue && a.green === b.green;
}

/** Desired weights are honoured: exact for all-or-nothing, router's judgement for splits. */
export function weightsHonoured(
  router: TrafficRouter,
  desired: Weights,
  actual: Weights | undefined,
): boolean {
  if (!actual) return false;
  const allOrNothing = desired.blue === 100 || desired.green === 100;
  if (!allOrNothing && splitsTraffic(router) && router.satisfies) return router.satisfies(desired, actual);
  return sameWeights(desired, actual);
}

export class UnsupportedWeightsError extends Error {}

export function requireAllOrNothing(kind: RouterKind, weights: Weights): void {
  if (weights.blue !== 100 && weights.green !== 100) {
    throw new UnsupportedWeightsError(
      `${kind} router can only send all traffic to one track (asked ${weights.blue}/${weights.green})`,
    );
  }
}

/** Percent shares from raw per-track amounts (weights, pods); 0/0 when there is nothing. */
export function shares(blue: number, green: number): Weights {
  const total = blue + green;
  if (total <= 0) return { blue: 0, green: 0 };
  const bluePercent = Math.round((100 * blue) / total);
  return { blue: bluePercent, green: 100 - bluePercent };
}
