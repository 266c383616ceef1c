/**
 * List-then-watch cache of one kind: keeps the objects current from a watch stream resumed at
 * the last seen resourceVersion (of an event or a bookmark), relists only when the server
 * answers 410 (history gone), re-watches at once when the server ends a stream (it is asked to,
 * every 5–10 min) and with backoff when one fails, and re-announces every cached object on a
 * resync period so level-triggered reconciles catch anything a lost event would have hidden.
 */
import type { Logger } from "pino";
import { backoffDelay, sleep } from "../resilience/retry.ts";
import { type Cluster, type Kind, type KubeObject, keyOf, type WatchEvent } from "./cluster.ts";
import { errorMessage, KubeApiError } from "./errors.ts";

export type InformerEventType = "ADDED" | "MODIFIED" | "DELETED" | "RESYNC";

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  /** Re-announce every cached object this often. @default 300000 */
  resyncMs?: number;
  onEvent: (type: InformerEventType, object: KubeObject) => void;
  logger: Logger;
}

export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private resourceVersion = "";
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly cluster: Cluster;
  private readonly kind: Kind;
  private readonly options: InformerOptions;
  synced = false;

  constructor(cluster: Cluster, kind: Kind, options: InformerOptions) {
    this.cluster = cluster;
    this.kind = kind;
    this.options = options;
  }

  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }

  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  /** Resolves once the first list is cached (and announced); the watch keeps running after. */
  async start(): Promise<void> {
    await this.relistWithRetry();
    this.synced = true;
    void this.watchLoop();
    const resyncMs = this.options.resyncMs ?? 300_000;
    this.resyncTimer = setInterval(() => {
      for (const object of this.cache.values()) this.options.onEvent("RESYNC", object);
    }, resyncMs);
    this.resyncTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.stopWatch?.();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  private async relistWithRetry(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        return await this.relist();
      } catch (error) {
        this.options.logger.warn({ kind: this.kind.kind, err: errorMessage(error) }, "list failed; retrying");
        await sleep(backoffDelay({ baseDelayMs: 200, maxDelayMs: 5000 }, attempt), this.abort.signal).catch(
          () => {},
        );
      }
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.cluster.list(this.kind, {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
    });
    const seen = new Set<string>();
    for (const object of items) {
      const key = keyOf(object);
      seen.add(key);
      const previous = this.cache.get(key);
      this.cache.set(key, object);
      if (!previous) this.options.onEvent("ADDED", object);
      else if (previous.metadata.resourceVersion !== object.metadata.resourceVersion)
        this.options.onEvent("MODIFIED", object);
    }
    for (const [key, object] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.options.onEvent("DELETED", object);
    }
    this.resourceVersion = resourceVersion;
  }

  private apply(event: WatchEvent): void {
    const version = event.object.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (event.type === "BOOKMARK") return;
    const key = keyOf(event.object);
    if (event.type === "DELETED") this.cache.delete(key);
    else this.cache.set(key, event.object);
    this.options.onEvent(event.type, event.object);
  }

  private async watchLoop(): Promise<void> {
    let failures = 0;
    let quickEnds = 0;
    while (!this.stopped) {
      let closedWith: Error | undefined;
      const openedAt = Date.now();
      try {
        const handle = await this.cluster.watch(
          this.kind,
          {
            namespace: this.options.namespace,
            labelSelector: this.options.labelSelector,
            resourceVersion: this.resourceVersion,
          },
          (event) => this.apply(event),
        );
        this.stopWatch = handle.stop;
        closedWith = await handle.closed;
      } catch (error) {
        closedWith = error instanceof Error ? error : new Error(String(error));
      }
      if (this.stopped) return;
      if (closedWith instanceof KubeApiError && closedWith.status === 410) {
        this.options.logger.info({ kind: this.kind.kind }, "watch history expired; relisting");
        await this.relistWithRetry();
        failures = 0;
        continue;
      }
      if (closedWith) {
        failures += 1;
        this.options.logger.warn(
          { kind: this.kind.kind, err: closedWith.message },
          "watch dropped; resuming",
        );
        await sleep(backoffDelay({ baseDelayMs: 100, maxDelayMs: 5000 }, failures), this.abort.signal).catch(
          () => {},
        );
      } else {
        // The server ended the watch it was asked to end (timeoutSeconds): normal, resumed at once
        // from the last event or bookmark. Only a stream that keeps ending at once is slowed down.
        failures = 0;
        quickEnds = Date.now() - openedAt < 1000 ? quickEnds + 1 : 0;
        this.options.logger.debug(
          { kind: this.kind.kind, resourceVersion: this.resourceVersion },
          "watch ended by the server; resuming",
        );
        if (quickEnds > 1)
          await sleep(
            backoffDelay({ baseDelayMs: 100, maxDelayMs: 5000 }, quickEnds),
            this.abort.signal,
          ).catch(() => {});
      }
    }
  }
}
