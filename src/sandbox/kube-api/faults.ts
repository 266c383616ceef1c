/**
 * Fault injection for the sandbox API: added latency, error answers (5xx, 409, 429) instead of
 * serving a request, and dropped watch streams. Rules are matched in the order they were added.
 */
import { randomInt } from "node:crypto";

export interface FaultRule {
  /** HTTP method to match (`GET`, `PATCH`…); absent: any. */
  method?: string;
  /** Substring of the request path (e.g. `/deployments`, `/status`); absent: any path. */
  path?: string;
  /** Also apply to watch requests. @default false */
  watches?: boolean;
  /** Delay before the request is served (or failed). */
  latencyMs?: number;
  /** Answer with this HTTP status instead of serving the request (500, 503, 409, 429…). */
  status?: number;
  /** How many matching requests the rule affects; absent: every one. */
  times?: number;
  /** Share of matching requests affected, 0..1. @default 1 */
  probability?: number;
}

export interface FaultDecision {
  latencyMs: number;
  status?: number;
}

export interface FaultCounters {
  errors: number;
  delayed: number;
  droppedWatches: number;
}

interface ActiveRule extends FaultRule {
  id: number;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private readonly watchClosers = new Set<() => void>();
  private dropTimer: NodeJS.Timeout | undefined;
  readonly counters: FaultCounters = { errors: 0, delayed: 0, droppedWatches: 0 };

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((rule) => rule.id !== id);
  }

  clear(): void {
    this.rules = [];
    this.dropWatchesEvery(undefined);
  }

  decide(method: string, path: string, isWatch: boolean): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !path.includes(rule.path)) continue;
      if (isWatch && !rule.watches) continue;
      if (rule.probability !== undefined && randomInt(1_000_000) / 1_000_000 >= rule.probability) continue;
      rule.remaining -= 1;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.status !== undefined && decision.status === undefined) decision.status = rule.status;
    }
    if (decision.latencyMs > 0) this.counters.delayed += 1;
    if (decision.status !== undefined) this.counters.errors += 1;
    this.rules = this.rules.filter((rule) => rule.remaining > 0);
    return decision;
  }

  /** Called by the server for each open watch stream; returns the deregistration function. */
  trackWatch(close: () => void): () => void {
    this.watchClosers.add(close);
    return () => this.watchClosers.delete(close);
  }

  /** Closes every open watch stream now, as a restarting API server or a flaky proxy would. */
  dropWatches(): number {
    const closers = [...this.watchClosers];
    this.watchClosers.clear();
    for (const close of closers) close();
    this.counters.droppedWatches += closers.length;
    return closers.length;
  }

  /** Drops all watches periodically; `undefined` stops it. */
  dropWatchesEvery(intervalMs: number | undefined): void {
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.dropTimer = undefined;
    if (intervalMs !== undefined) {
      this.dropTimer = setInterval(() => this.dropWatches(), intervalMs);
      this.dropTimer.unref();
    }
  }
}
