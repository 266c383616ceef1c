/**
 * Replica-ratio router for agents whose traffic cannot be weighted (gRPC streams, queue
 * consumers): during a split the active Service selects both tracks and traffic follows ready
 * pod counts. The stable track stays at full size, so the canary gets `c / (stable + c)` and the
 * router sizes it for that; the achieved share is reported as measured, never as requested.
 */
import type { Cluster } from "../kube/cluster.ts";
import {
  type ReplicaSizing,
  type RouteTarget,
  shares,
  type TrafficRouter,
  type TrafficSplitter,
  type Weights,
  weightsTo,
} from "./router.ts";
import { patchSelectorTrack, readSelectorTrack, selectsAgent } from "./serviceSelector.ts";

export class ReplicaRatioRouter implements TrafficRouter, TrafficSplitter, ReplicaSizing {
  readonly kind = "replicaRatio" as const;
  readonly splitsTraffic = true as const;
  private readonly cluster: Cluster;

  constructor(cluster: Cluster) {
    this.cluster = cluster;
  }

  /** Pods for `weight` percent next to a full-size stable track: w/(100-w) of it, at least one. */
  canaryReplicas(desiredReplicas: number, weight: number): number {
    if (weight <= 0) return 0;
    if (weight >= 100) return desiredReplicas;
    return Math.max(1, Math.round((desiredReplicas * weight) / (100 - weight)));
  }

  /** Pod counts cannot hit exact percentages: a split is honoured when both tracks get traffic. */
  satisfies(desired: Weights, actual: Weights): boolean {
    const splitWanted = desired.blue > 0 && desired.green > 0;
    return splitWanted
      ? actual.blue > 0 && actual.green > 0
      : actual.blue === desired.blue && actual.green === desired.green;
  }

  async reconcile(target: RouteTarget): Promise<Weights> {
    // A Service rendered without its selector (or pointed elsewhere) first selects the stable track.
    if (!(await selectsAgent(this.cluster, target)))
      await patchSelectorTrack(this.cluster, target, target.stableTrack);
    return this.getWeights(target);
  }

  async setWeights(target: RouteTarget, weights: Weights): Promise<void> {
    const single = weights.blue === 100 ? "blue" : weights.green === 100 ? "green" : null;
    await patchSelectorTrack(this.cluster, target, single);
  }

  async getWeights(target: RouteTarget): Promise<Weights> {
    const track = await readSelectorTrack(this.cluster, target);
    if (track) return weightsTo(track, 100);
    return shares(target.readyReplicas.blue, target.readyReplicas.green);
  }
}
