/**
 * HAProxy router for the local sandbox (where no Gateway API implementation runs): server weights
 * over the runtime API. Layout in ./layout.ts: one backend per agent, server slots per
 * track (`blue1`…, `green1`…); a track's share is spread evenly over its slots in rotation.
 */
import type { Track } from "../../../contract/agentRollout.ts";
import {
  type RouteTarget,
  shares,
  type TrafficRouter,
  type TrafficSplitter,
  type Weights,
  weightsTo,
} from "../router.ts";
import { haproxyBackendName, trackOfServer } from "./layout.ts";
import { HaproxyRuntime, type HaproxyServerState } from "./runtime.ts";

const MAX_SERVER_WEIGHT = 256;

type ServerState = HaproxyServerState;

/** In rotation: not in maintenance and not stopped (a slot without a pod is in maintenance). */
export function inRotation(server: ServerState): boolean {
  return server.admin !== "maint" && server.operational !== "stopped";
}

/** Integer server weights giving each track its percent, split evenly across its servers in rotation. */
export function serverWeights(servers: readonly ServerState[], weights: Weights): Map<string, number> {
  const live = servers.filter(inRotation);
  const count: Record<Track, number> = { blue: 0, green: 0 };
  for (const server of live) {
    const track = trackOfServer(server.server);
    if (track) count[track] += 1;
  }
  const perServer = (track: Track) => (count[track] > 0 ? weights[track] / count[track] : 0);
  const largest = Math.max(perServer("blue"), perServer("green"));
  const scale = largest > 0 ? MAX_SERVER_WEIGHT / largest : 0;
  const result = new Map<string, number>();
  for (const server of live) {
    const track = trackOfServer(server.server);
    if (track) result.set(server.server, Math.round(perServer(track) * scale));
  }
  return result;
}

/**
 * The weight changes in the order to apply them: raises before cuts (make before break). HAProxy
 * applies one command line's commands one after another while other threads keep serving, so a
 * switch that cut the old track first would leave a moment with no weighted server: a 503.
 * Unchanged servers are left out.
 */
export function weightChangesInOrder(
  servers: readonly ServerState[],
  next: ReadonlyMap<string, number>,
): Array<[server: string, weight: number]> {
  const current = new Map(servers.map((server) => [server.server, server.weight]));
  const changes = [...next].filter(([server, weight]) => current.get(server) !== weight);
  const raises = changes.filter(([server, weight]) => weight > (current.get(server) ?? 0));
  const cuts = changes.filter(([server, weight]) => weight <= (current.get(server) ?? 0));
  return [...raises, ...cuts];
}

export function achievedWeights(servers: readonly ServerState[]): Weights {
  const totals: Record<Track, number> = { blue: 0, green: 0 };
  for (const server of servers.filter(inRotation)) {
    const track = trackOfServer(server.server);
    if (track) totals[track] += server.weight;
  }
  return shares(totals.blue, totals.green);
}

export class HaproxyRouter implements TrafficRouter, TrafficSplitter {
  readonly kind = "haproxy" as const;
  readonly splitsTraffic = true as const;
  private readonly runtime: HaproxyRuntime;

  constructor(address: string) {
    this.runtime = HaproxyRuntime.fromAddress(address);
  }

  /** Slots come and go with pods: equal shares drift, so a split is honoured within one point. */
  satisfies(desired: Weights, actual: Weights): boolean {
    return Math.abs(desired.blue - actual.blue) <= 1 && Math.abs(desired.green - actual.green) <= 1;
  }

  async reconcile(target: RouteTarget): Promise<Weights> {
    const servers = await this.runtime.showServers(haproxyBackendName(target.namespace, target.agent));
    const weights = achievedWeights(servers);
    if (weights.blue + weights.green === 0 && servers.some(inRotation)) {
      await this.setWeights(target, weightsTo(target.stableTrack, 100));
      return weightsTo(target.stableTrack, 100);
    }
    return weights;
  }

  async setWeights(target: RouteTarget, weights: Weights): Promise<void> {
    const backend = haproxyBackendName(target.namespace, target.agent);
    const servers = await this.runtime.showServers(backend);
    const changes = weightChangesInOrder(servers, serverWeights(servers, weights));
    await this.runtime.setServerWeights(backend, changes);
  }

  async getWeights(target: RouteTarget): Promise<Weights> {
    return achievedWeights(
      await this.runtime.showServers(haproxyBackendName(target.namespace, target.agent)),
    );
  }
}
