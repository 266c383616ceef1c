/**
 * Scripted collaborators of one reconcile: a router whose data plane is a pair of numbers, a
 * metric provider answering per-track values (or nothing), and a clock that moves only by hand.
 */
import {
  type MetricProvider,
  NoDataError,
  ProviderUnavailableError,
  type VectorSample,
} from "../../../../src/controller/analysis/provider.ts";
import type { Clock } from "../../../../src/controller/clock.ts";
import type {
  RouterKind,
  RouteTarget,
  TrafficRouter,
  Weights,
} from "../../../../src/controller/traffic/router.ts";
import {
  evidenceAnswer,
  evidenceWindowOf,
  GOOD,
  isScrapedPodsQuery,
  metricOf,
  type TrackMetrics,
  type TrackTraffic,
} from "../../support/fakePrometheus.ts";

/** The release clock, fixed until `advance` moves it. */
export class FixedClock implements Clock {
  private at: number;
  constructor(at: number) {
    this.at = at;
  }
  now(): number {
    return this.at;
  }
  delayUntil(at: number): number {
    return Math.max(0, at - this.at);
  }
  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}

/** Routers that can split traffic; `serviceSelector` only switches it. */
const SPLITTING: readonly RouterKind[] = ["gatewayAPI", "haproxy", "replicaRatio"];

export interface ScriptedRouter extends TrafficRouter {
  /** What the data plane does now; `setWeights` changes it unless told to fail. */
  weights: Weights;
  /** Answered by every read instead of `weights` (a data plane that does not follow). */
  readBack: Weights | undefined;
  /** Message of the error `setWeights` (or `reconcile`) throws while set. */
  failSetWeights: string | undefined;
  failReconcile: string | undefined;
}

export function scriptedRouter(kind: RouterKind, weights: Weights, timeline: string[]): ScriptedRouter {
  const router: ScriptedRouter = {
    kind,
    weights,
    readBack: undefined,
    failSetWeights: undefined,
    failReconcile: undefined,
    async reconcile(_target: RouteTarget) {
      timeline.push("router reconcile");
      if (router.failReconcile) throw new Error(router.failReconcile);
      return { ...(router.readBack ?? router.weights) };
    },
    async setWeights(_target: RouteTarget, wanted: Weights) {
      timeline.push(`router setWeights ${wanted.blue}/${wanted.green}`);
      if (router.failSetWeights) throw new Error(router.failSetWeights);
      router.weights = { ...wanted };
    },
    async getWeights(_target: RouteTarget) {
      timeline.push("router getWeights");
      return { ...(router.readBack ?? router.weights) };
    },
  };
  return SPLITTING.includes(kind) ? Object.assign(router, { splitsTraffic: true as const }) : router;
}

/**
 * Answers the default analysis queries per track, and the evidence queries from each track's
 * traffic (counts grow with the queried window); `online: false` is a provider that cannot be asked.
 */
export class ScriptedProvider implements MetricProvider {
  readonly queries: string[] = [];
  online = true;
  private readonly tracks = new Map<string, TrackMetrics | "noData" | "unavailable">();
  private readonly traffic = new Map<string, TrackTraffic | "noData">();

  setTrack(track: string, metrics: TrackMetrics | "noData" | "unavailable"): void {
    this.tracks.set(track, metrics);
  }

  /** What the evidence queries of `track` count; unset or `noData`: no series. */
  setTraffic(track: string, traffic: TrackTraffic | "noData"): void {
    this.traffic.set(track, traffic);
  }

  private evidence(query: string): number | VectorSample[] {
    const track = /track="(\w+)"/.exec(query)?.[1] ?? "";
    if (this.tracks.get(track) === "unavailable") throw new ProviderUnavailableError("connection refused");
    const traffic = this.traffic.get(track);
    const answer = traffic && traffic !== "noData" ? evidenceAnswer(query, traffic) : undefined;
    if (answer === undefined) throw new NoDataError(`no samples for ${track}`);
    if (typeof answer === "number") return answer;
    return answer.map(({ le, count }) => ({ labels: { le }, value: count }));
  }

  /** One scraped pod for a track with traffic (its counter series), none otherwise. */
  private scrapedPods(query: string): number {
    const track = /track="(\w+)"/.exec(query)?.[1] ?? "";
    if (this.tracks.get(track) === "unavailable") throw new ProviderUnavailableError("connection refused");
    const traffic = this.traffic.get(track);
    if (!traffic || traffic === "noData") throw new NoDataError(`no series for ${track}`);
    return 1;
  }

  async runVectorQuery(query: string): Promise<VectorSample[]> {
    this.queries.push(query);
    const answer = this.evidence(query);
    return typeof answer === "number" ? [{ labels: {}, value: answer }] : answer;
  }

  async isOnline(): Promise<boolean> {
    return this.online;
  }

  async runQuery(query: string): Promise<number> {
    this.queries.push(query);
    if (isScrapedPodsQuery(query)) return this.scrapedPods(query);
    if (evidenceWindowOf(query) !== undefined) {
      const answer = this.evidence(query);
      if (typeof answer !== "number") throw new Error(`vector query run as a scalar: ${query}`);
      return answer;
    }
    const track = /track="(\w+)"/.exec(query)?.[1] ?? "";
    const metrics = this.tracks.get(track) ?? GOOD;
    if (metrics === "unavailable") throw new ProviderUnavailableError("connection refused");
    const value = metrics === "noData" ? undefined : metrics[metricOf(query) ?? "errorRate"];
    if (value === undefined) throw new NoDataError(`no samples for ${track}`);
    return value;
  }
}
