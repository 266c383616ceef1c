/**
 * Leader election on a `coordination.k8s.io/v1` Lease (client-go's algorithm): the holder renews
 * every `retryPeriod`; others take over only once they have seen no renewal for `leaseDuration`
 * by their own clock (no trust in other machines' clocks); a leader that cannot renew within
 * `renewDeadline` (< leaseDuration) stops acting before anyone else may start. Every write is
 * conditional on the Lease's resourceVersion, so two candidates never both win.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import { type Cluster, KINDS, type KubeObject } from "../kube/cluster.ts";
import { errorMessage, isAlreadyExists, isConflict } from "../kube/errors.ts";
import { sleep } from "../resilience/retry.ts";

export interface LeaderElectionOptions {
  cluster: Cluster;
  clock: Clock;
  logger: Logger;
  namespace: string;
  name: string;
  identity: string;
  /** @default 15000 */
  leaseDurationMs?: number;
  /** @default 10000 */
  renewDeadlineMs?: number;
  /** @default 2000 */
  retryPeriodMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  private observed: { record: string; at: number } | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly options: Required<Omit<LeaderElectionOptions, "onStartedLeading" | "onStoppedLeading">> &
    Pick<LeaderElectionOptions, "onStartedLeading" | "onStoppedLeading">;
  /** Last time the loop ran an attempt (for /healthz). */
  lastAttempt = 0;

  constructor(options: LeaderElectionOptions) {
    this.options = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...options };
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops the loop; with `release`, hands the lease back so a standby takes over at once. */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
    if (this.leading && release) await this.release();
    if (this.leading) await this.lose("stopped");
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.lastAttempt = this.options.clock.now();
      const acquired = await this.tryAcquireOrRenew().catch((error: unknown) => {
        this.options.logger.warn({ err: errorMessage(error) }, "lease attempt failed");
        return false;
      });
      const now = this.options.clock.now();
      if (acquired) {
        this.lastRenew = now;
        if (!this.leading) {
          this.leading = true;
          this.options.logger.info({ identity: this.options.identity }, "became leader");
          await this.options.onStartedLeading();
        }
      } else if (this.leading && now - this.lastRenew > this.options.renewDeadlineMs) {
        await this.lose("could not renew the lease within the renew deadline");
      }
      await sleep(this.options.retryPeriodMs, this.abort.signal).catch(() => {});
    }
  }

  private async lose(reason: string): Promise<void> {
    this.leading = false;
    this.options.logger.warn({ identity: this.options.identity, reason }, "lost leadership");
    await this.options.onStoppedLeading();
  }

  private leaseObject(spec: LeaseSpec, resourceVersion?: string): KubeObject {
    return {
      apiVersion: KINDS.lease.apiVersion,
      kind: KINDS.lease.kind,
      metadata: {
        name: this.options.name,
        namespace: this.options.namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec,
    };
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { cluster, clock, identity, namespace, name } = this.options;
    const now = clock.now();
    const durationSeconds = Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000));
    const lease = await cluster.get(KINDS.lease, { namespace, name });
    const mine: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    if (!lease) {
      try {
        await cluster.create(this.leaseObject(mine));
        return true;
      } catch (error) {
        if (isAlreadyExists(error)) return false;
        throw error;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const record = `${spec.holderIdentity}|${spec.renewTime}|${lease.metadata.resourceVersion}`;
    if (this.observed?.record !== record) this.observed = { record, at: now };
    const holder = spec.holderIdentity ?? "";
    const heldByOther = holder !== "" && holder !== identity;
    const durationMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && now < this.observed.at + durationMs) return false;
    const next: LeaseSpec =
      holder === identity
        ? { ...spec, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) }
        : { ...mine, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    try {
      await cluster.replace(this.leaseObject(next, lease.metadata.resourceVersion));
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  private async release(): Promise<void> {
    const { cluster, namespace, name, identity, clock } = this.options;
    try {
      const lease = await cluster.get(KINDS.lease, { namespace, name });
      const spec = (lease?.spec ?? {}) as LeaseSpec;
      if (!lease || spec.holderIdentity !== identity) return;
      const released: LeaseSpec = {
        ...spec,
        holderIdentity: "",
        leaseDurationSeconds: 1,
        renewTime: microTime(clock.now()),
      };
      await cluster.replace(this.leaseObject(released, lease.metadata.resourceVersion));
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, "could not release the lease");
    }
  }
}
