/**
 * Assembles one controller replica: Kubernetes adapter, Prometheus provider, routers, metrics,
 * leader election and the ops server. `main.ts` runs it as a process; tests run several in one.
 */

import type { Logger } from "pino";
import { collectDefaultMetrics } from "prom-client";
import { ROLLOUT_CONTROLLER } from "../contract/controller.ts";
import { PrometheusProvider } from "./analysis/prometheus.ts";
import type { MetricProvider } from "./analysis/provider.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { ControllerSettings } from "./config.ts";
import { RolloutController, type RolloutControllerOptions } from "./controller.ts";
import { ClientNodeCluster, loadKubeConfig } from "./kube/clientNodeCluster.ts";
import type { Cluster } from "./kube/cluster.ts";
import { errorMessage } from "./kube/errors.ts";
import { LeaderElector } from "./leader/leaderElection.ts";
import { ControllerMetrics } from "./ops/metrics.ts";
import { type OpsProbes, type OpsServer, startOpsServer } from "./ops/server.ts";
import { RouterRegistry } from "./traffic/registry.ts";

export interface ControllerAppOptions {
  logger: Logger;
  clock?: Clock;
  /** Replaces the client-node adapter (tests wrap it to observe calls). */
  cluster?: Cluster;
  provider?: MetricProvider;
  /** Called when leadership is lost after having been held (the process exits on it). */
  onLostLeadership?: () => void;
  /** Observes each reconcile's duration (benchmarks, tracing). */
  onReconcile?: RolloutControllerOptions["onReconcile"];
}

export interface ControllerApp {
  opsUrl: string;
  metrics: ControllerMetrics;
  cluster: Cluster;
  isLeader(): boolean;
  controller(): RolloutController | undefined;
  /** `release: false` leaves the lease held, as a crashed process would. */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** The controller half of a replica: runs while this replica leads, stopped when it stops leading. */
class LeaderRole {
  controller: RolloutController | undefined;
  private led = false;
  private readonly build: () => RolloutController;
  private readonly metrics: ControllerMetrics;
  onLost: (() => void) | undefined;

  constructor(build: () => RolloutController, metrics: ControllerMetrics, onLost: (() => void) | undefined) {
    this.build = build;
    this.metrics = metrics;
    this.onLost = onLost;
  }

  readonly start = async (): Promise<void> => {
    this.led = true;
    this.metrics.isLeader.set(1);
    this.controller = this.build();
    await this.controller.start();
  };

  readonly stop = async (): Promise<void> => {
    this.metrics.isLeader.set(0);
    const running = this.controller;
    this.controller = undefined;
    await running?.stop();
    if (this.led) this.onLost?.();
  };
}

function buildCluster(settings: ControllerSettings, logger: Logger): Cluster {
  return new ClientNodeCluster(loadKubeConfig(settings.kubeApiServer), {
    requestTimeoutMs: settings.apiTimeoutMs,
    userAgent: `${ROLLOUT_CONTROLLER}/${settings.identity}`,
    onRetry: (error, attempt) =>
      logger.warn({ err: errorMessage(error), attempt }, "API call failed; retrying"),
  });
}

function buildProvider(settings: ControllerSettings): MetricProvider {
  return new PrometheusProvider({
    url: settings.prometheusUrl,
    timeoutMs: settings.prometheusTimeoutMs,
    breaker: { failureThreshold: settings.breakerFailures, openMs: settings.breakerOpenMs },
    clock: systemClock,
  });
}

function probes(
  settings: ControllerSettings,
  elector: LeaderElector | undefined,
  role: LeaderRole,
): OpsProbes {
  return {
    healthy: () => {
      if (!elector) return { ok: true, detail: "leader election off" };
      const idle = Date.now() - elector.lastAttempt;
      const limit = 3 * settings.retryPeriodMs + settings.renewDeadlineMs;
      return { ok: idle <= limit, detail: `last lease attempt ${idle} ms ago` };
    },
    ready: () => {
      const controller = role.controller;
      if (!controller) return { ok: true, detail: "standby" };
      return {
        ok: controller.synced(),
        detail: controller.synced() ? "leading, caches synced" : "leading, syncing caches",
      };
    },
  };
}

export async function startControllerApp(
  settings: ControllerSettings,
  options: ControllerAppOptions,
): Promise<ControllerApp> {
  const logger = options.logger.child({ identity: settings.identity });
  const cluster = options.cluster ?? buildCluster(settings, logger);
  const provider = options.provider ?? buildProvider(settings);
  const routers = new RouterRegistry(
    { cluster, haproxyAddress: settings.haproxyAddress },
    settings.gatewayRouter === "haproxy" ? { gatewayAPI: "haproxy" } : {},
  );
  const metrics = new ControllerMetrics();
  collectDefaultMetrics({ register: metrics.registry });
  const { identity, namespaces, workers, resyncMs } = settings;
  const clock = options.clock ?? systemClock;
  const build = () =>
    new RolloutController({
      cluster,
      provider,
      routers,
      clock,
      logger,
      metrics,
      identity,
      namespaces,
      workers,
      resyncMs,
      onReconcile: options.onReconcile,
    });
  const role = new LeaderRole(build, metrics, options.onLostLeadership);
  const elector = settings.leaderElection
    ? new LeaderElector({
        cluster,
        clock: systemClock,
        logger,
        namespace: settings.podNamespace,
        name: settings.leaseName,
        identity,
        leaseDurationMs: settings.leaseDurationMs,
        renewDeadlineMs: settings.renewDeadlineMs,
        retryPeriodMs: settings.retryPeriodMs,
        onStartedLeading: role.start,
        onStoppedLeading: role.stop,
      })
    : undefined;
  const ops: OpsServer = await startOpsServer(
    metrics.registry,
    probes(settings, elector, role),
    settings.opsHost,
    settings.opsPort,
  );
  if (elector) elector.start();
  else await role.start();
  return {
    opsUrl: ops.url,
    metrics,
    cluster,
    isLeader: () => (elector ? elector.isLeader() : true),
    controller: () => role.controller,
    stop: async ({ release = true } = {}) => {
      // Stopping on purpose is not losing leadership: the process must not exit non-zero for it.
      role.onLost = undefined;
      if (elector) await elector.stop(release);
      else await role.stop();
      await ops.close();
    },
  };
}
