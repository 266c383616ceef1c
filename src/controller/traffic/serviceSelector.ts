/**
 * Service selector router: the active Service's `track` selector points at one track, so traffic
 * switches all at once (blue-green). It has no `splitsTraffic` capability: canaries need another router.
 */
import type { Track } from "../../crd/agentRollout.ts";
import { type Cluster, KINDS } from "../kube/cluster.ts";
import {
  type RouteTarget,
  requireAllOrNothing,
  type TrafficRouter,
  type Weights,
  weightsTo,
} from "./router.ts";

export async function readSelectorTrack(cluster: Cluster, target: RouteTarget): Promise<Track | null> {
  const key = { namespace: target.namespace, name: target.traffic.activeService };
  const service = await cluster.get(KINDS.service, key);
  if (!service)
    throw new Error(`Service ${key.namespace}/${key.name} (traffic.activeService) does not exist`);
  const track = (service.spec as { selector?: Record<string, string> } | undefined)?.selector?.track;
  return track === "blue" || track === "green" ? track : null;
}

export async function patchSelectorTrack(
  cluster: Cluster,
  target: RouteTarget,
  track: Track | null,
): Promise<void> {
  const key = { namespace: target.namespace, name: target.traffic.activeService };
  await cluster.patch(KINDS.service, key, { spec: { selector: { track } } });
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
