/**
 * The controller loop: informers (watches with resync) on AgentRollouts and the track
 * Deployments feed a keyed work queue; workers run one reconcile per AgentRollout at a time,
 * publish its Events and audit lines, and requeue it when something is due or went wrong.
 */
import type { Logger } from "pino";
import { ROLLOUT_CONTROLLER } from "../contract/controller.ts";
import { LABEL_KEYS } from "../contract/labels.ts";
import type { MetricProvider } from "./analysis/provider.ts";
import type { Clock } from "./clock.ts";
import { type Cluster, KINDS, type KubeObject, keyOf, parseKey } from "./kube/cluster.ts";
import { errorMessage, isConflict } from "./kube/errors.ts";
import { eventAbout } from "./kube/events.ts";
import { Informer } from "./kube/informer.ts";
import { auditDecision } from "./log.ts";
import type { ControllerMetrics } from "./ops/metrics.ts";
import { type ReconcileResult, reconcileRollout } from "./rollout/reconcile.ts";
import type { RouterRegistry } from "./traffic/registry.ts";
import { WorkQueue } from "./workQueue.ts";

function labelsOf(key: string): { namespace: string; rollout: string } {
  const { namespace, name } = parseKey(key);
  return { namespace, rollout: name };
}

export interface RolloutControllerOptions {
  cluster: Cluster;
  provider: MetricProvider;
  routers: RouterRegistry;
  clock: Clock;
  logger: Logger;
  metrics: ControllerMetrics;
  /** Identity of this replica (reported on Events). */
  identity: string;
  /** Namespaces to watch; absent or empty: all. */
  namespaces?: string[];
  /** @default 4 */
  workers?: number;
  /** @default 300000 */
  resyncMs?: number;
  /** Observes each reconcile's duration (benchmarks, tracing). */
  onReconcile?: (key: string, durationMs: number, outcome: "ok" | "problem" | "error") => void;
}

export class RolloutController {
  private readonly queue = new WorkQueue();
  private readonly rollouts: Informer[] = [];
  private readonly deployments: Informer[] = [];
  /**
   * Status we wrote, keyed by rollout, until the watch delivers it (avoids reconciling a stale
   * copy): used while the cache still holds a version the pass read or wrote before it.
   */
  private readonly written = new Map<string, { readVersions: Set<string | undefined>; object: KubeObject }>();
  private workers: Promise<void>[] = [];
  private readonly options: RolloutControllerOptions;
  reconciles = 0;

  constructor(options: RolloutControllerOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { cluster, logger } = this.options;
    const namespaces = this.options.namespaces?.length ? this.options.namespaces : [undefined];
    for (const namespace of namespaces) {
      this.rollouts.push(
        new Informer(cluster, KINDS.agentRollout, {
          namespace,
          resyncMs: this.options.resyncMs,
          logger,
          onEvent: (type, object) =>
            type === "DELETED" ? this.forget(object) : this.queue.add(keyOf(object)),
        }),
      );
      this.deployments.push(
        new Informer(cluster, KINDS.deployment, {
          namespace,
          labelSelector: `${LABEL_KEYS.managedBy}=${ROLLOUT_CONTROLLER}`,
          resyncMs: this.options.resyncMs,
          logger,
          onEvent: (_type, object) => {
            const owner = object.metadata.labels?.[LABEL_KEYS.rollout];
            if (owner) this.queue.add(`${object.metadata.namespace}/${owner}`);
          },
        }),
      );
    }
    // Deployments first, so the first reconciles already see the tracks.
    await Promise.all(this.deployments.map((informer) => informer.start()));
    await Promise.all(this.rollouts.map((informer) => informer.start()));
    this.workers = Array.from({ length: this.options.workers ?? 4 }, () => this.work());
    logger.info({ namespaces: this.options.namespaces ?? "all" }, "controller started");
  }

  synced(): boolean {
    return [...this.rollouts, ...this.deployments].every((informer) => informer.synced);
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    for (const informer of [...this.rollouts, ...this.deployments]) informer.stop();
    await Promise.all(this.workers);
  }

  private forget(object: KubeObject): void {
    this.written.delete(keyOf(object));
    this.options.metrics.forget(object.metadata.namespace ?? "", object.metadata.name);
  }

  private lookupDeployment(namespace: string, name: string): KubeObject | undefined {
    for (const informer of this.deployments) {
      const found = informer.get(`${namespace}/${name}`);
      if (found) return found;
    }
    return undefined;
  }

  private current(key: string): KubeObject | undefined {
    const cached = this.rollouts.map((informer) => informer.get(key)).find((object) => object !== undefined);
    const written = this.written.get(key);
    if (cached && written?.readVersions.has(cached.metadata.resourceVersion)) return written.object;
    this.written.delete(key);
    return cached;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        this.queue.done(key);
        this.options.metrics.queueDepth.set(this.queue.length());
      }
    }
  }

  private async process(key: string): Promise<void> {
    const rollout = this.current(key);
    if (!rollout) return;
    const { metrics, logger } = this.options;
    const timer = metrics.reconcileDuration.startTimer();
    const started = performance.now();
    const observe = (outcome: "ok" | "problem" | "error") => {
      timer({ result: outcome });
      this.options.onReconcile?.(key, performance.now() - started, outcome);
    };
    this.reconciles += 1;
    try {
      const result = await reconcileRollout(
        { ...this.options, lookupDeployment: (namespace, name) => this.lookupDeployment(namespace, name) },
        rollout,
      );
      if (result.written)
        this.written.set(key, {
          readVersions: new Set([rollout.metadata.resourceVersion, ...result.earlierWrites]),
          object: result.written,
        });
      await this.publish(rollout, result);
      if (result.problems.length > 0) {
        metrics.reconcileErrors.inc({ ...labelsOf(key), kind: "problem" });
        logger.warn(
          { rollout: key, problems: result.problems },
          "reconcile finished with problems; retrying",
        );
        this.queue.addRateLimited(key);
      } else {
        this.queue.forget(key);
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      }
      observe(result.problems.length > 0 ? "problem" : "ok");
    } catch (error) {
      observe("error");
      await this.recover(key, rollout, error);
    }
  }

  /** A failed pass: on a conflict, fetch the latest object now; always retry with backoff. */
  private async recover(key: string, rollout: KubeObject, error: unknown): Promise<void> {
    const conflict = isConflict(error);
    this.options.metrics.reconcileErrors.inc({ ...labelsOf(key), kind: conflict ? "conflict" : "api" });
    this.options.logger.warn(
      { rollout: key, err: errorMessage(error) },
      conflict ? "status write conflicted; re-reading" : "reconcile failed",
    );
    if (conflict) {
      try {
        const fresh = await this.options.cluster.get(KINDS.agentRollout, parseKey(key));
        if (fresh)
          this.written.set(key, { readVersions: new Set([rollout.metadata.resourceVersion]), object: fresh });
      } catch {
        // The watch will deliver the latest version; the retry below picks it up.
      }
    }
    this.queue.addRateLimited(key);
  }

  private async publish(rollout: KubeObject, result: ReconcileResult): Promise<void> {
    const { metrics, logger } = this.options;
    const namespace = rollout.metadata.namespace ?? "";
    const name = rollout.metadata.name;
    metrics.recordStatus(namespace, name, result.status);
    for (const decision of result.decisions) {
      metrics.decisions.inc({ decision: decision.decision });
      auditDecision(logger, { namespace, name }, decision);
    }
    const measured = result.status.analysis?.lastRunAt;
    if (
      measured &&
      measured !== (rollout.status as { analysis?: { lastRunAt?: string } } | undefined)?.analysis?.lastRunAt
    ) {
      const measurements = result.status.analysis?.lastMeasurements ?? [];
      metrics.recordMeasurements(namespace, name, measurements);
      const values = measurements.map((m) => ({
        metric: m.metric,
        phase: m.phase,
        value: m.value,
        message: m.message,
      }));
      logger.info({ namespace, rollout: name, measurements: values }, "analysis tick");
      const blind = result.status.conditions?.some(
        (c) => c.type === "AnalysisAvailable" && c.status === "False",
      );
      metrics.providerUp.set(blind ? 0 : 1);
    }
    await Promise.all(
      result.events.map((event) => this.createEvent(rollout, event.type, event.reason, event.message)),
    );
  }

  private async createEvent(
    rollout: KubeObject,
    type: string,
    reason: string,
    message: string,
  ): Promise<void> {
    try {
      await this.options.cluster.create(
        eventAbout(rollout, type, reason, message, {
          component: ROLLOUT_CONTROLLER,
          instance: this.options.identity,
        }),
      );
    } catch (error) {
      this.options.logger.warn({ reason, err: errorMessage(error) }, "could not record event");
    }
  }
}
