/**
 * One reconcile, driven by hand (after Argo Rollouts' `rollout/canary_test.go`): an in-memory
 * cluster seeded with an AgentRollout, its track Deployments and Services in a given state, a
 * scripted router and metric provider, a release clock that moves only when told. `reconcile()`
 * runs exactly one `reconcileRollout` and returns what it did: the status patch, the other
 * writes and router calls in order, the Events and the audit decisions.
 */
import pino from "pino";
import { afterEach, beforeEach, vi } from "vitest";
import type { Track } from "../../../../src/contract/agentRollout.ts";
import { LABEL_KEYS } from "../../../../src/contract/labels.ts";
import { isoTime } from "../../../../src/controller/clock.ts";
import { KINDS, type KubeObject } from "../../../../src/controller/kube/cluster.ts";
import { actionAnnotations, type ManualAction } from "../../../../src/controller/rollout/actionRequest.ts";
import type { Decision, PendingEvent } from "../../../../src/controller/rollout/context.ts";
import { type ReconcileResult, reconcileRollout } from "../../../../src/controller/rollout/reconcile.ts";
import { revisionOf } from "../../../../src/controller/rollout/revision.ts";
import { otherTrack, type Weights, weightsTo } from "../../../../src/controller/traffic/router.ts";
import type { AgentRolloutSpec, AgentRolloutStatus, Condition } from "../../../../src/crd/agentRollout.ts";
import {
  agentRollout,
  agentServices,
  NAMESPACE,
  type RolloutOptions,
  template,
} from "../../support/fixtures.ts";
import { MemoryCluster, type Write } from "./memoryCluster.ts";
import { FixedClock, ScriptedProvider, type ScriptedRouter, scriptedRouter } from "./scripted.ts";

/** The release clock and the wall clock both start here. */
export const T0 = Date.parse("2030-01-01T00:00:00.000Z");

/** The ISO time `seconds` after T0, as status records it. */
export const at = (seconds: number): string => isoTime(T0 + seconds * 1000);

/** The revision (template hash) of an agent version in the fixtures. */
export const rev = (version: string): string => revisionOf(template(version));

/** Fixes `Date.now()` at T0 for the tests of the calling file: manual actions are judged on wall time. */
export function fixedWallClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

export interface TrackSeed {
  version: string;
  replicas: number;
  /** Ready pods of the current generation. @default replicas */
  ready?: number;
}

export interface FixtureOptions extends RolloutOptions {
  /**
   * The status facts the controller wrote last time; `observedGeneration`, `weights`,
   * `replicas` and `selector` are filled in as that pass would have left them. Absent: never
   * reconciled.
   */
  status?: AgentRolloutStatus;
  tracks?: Partial<Record<Track, TrackSeed>>;
  /** The router's data plane. @default all traffic on the active track */
  weights?: Weights;
  /** `spec.replicas` as the autoscaler wrote it; `null`: never written. @default minReplicas */
  specReplicas?: number | null;
  /** A manual action request pending on the AgentRollout's annotations. */
  action?: ManualAction;
  /** Active and preview Services as Pulumi renders them (no selector) instead of as the controller left them. */
  freshServices?: boolean;
}

/** What one reconcile did. */
export interface Pass {
  result: ReconcileResult;
  /** The merge patch of the status subresource; undefined when the pass changed nothing. */
  patch: Record<string, unknown> | undefined;
  /** The patch without its conditions, which `conditions` shows as `Status Reason: message` by type. */
  facts: Record<string, unknown> | undefined;
  conditions: Record<string, string>;
  events: PendingEvent[];
  decisions: Decision[];
  /** Router calls and writes other than the status patch, in order. */
  timeline: string[];
  writes: Write[];
  /** The status as stored after the pass. */
  status: AgentRolloutStatus;
}

export function conditionsOf(conditions: readonly Condition[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (conditions ?? []).map((condition) => [
      condition.type,
      `${condition.status} ${condition.reason}: ${condition.message}`,
    ]),
  );
}

function trackDeployment(agent: string, track: Track, seed: TrackSeed): KubeObject {
  const labels = { agent, track, [LABEL_KEYS.revision]: rev(seed.version) };
  return {
    apiVersion: KINDS.deployment.apiVersion,
    kind: KINDS.deployment.kind,
    metadata: { name: `${agent}-${track}`, namespace: NAMESPACE, labels },
    spec: {
      replicas: seed.replicas,
      selector: { matchLabels: { agent, track } },
      template: { ...template(seed.version), metadata: { labels } },
    },
  };
}

function withSelector(service: KubeObject, selector: Record<string, string>): KubeObject {
  return { ...service, spec: { ...(service.spec as object), selector } };
}

export class ReconcileFixture {
  readonly timeline: string[] = [];
  readonly cluster = new MemoryCluster(this.timeline);
  readonly provider = new ScriptedProvider();
  readonly clock = new FixedClock(T0);
  readonly router: ScriptedRouter;
  readonly agent: string;

  constructor(options: FixtureOptions = {}) {
    const rollout = agentRollout(options);
    const spec = rollout.spec as AgentRolloutSpec;
    this.agent = spec.agent;
    const status = options.status;
    const active = status?.activeTrack ?? "blue";
    const weights = options.weights ?? weightsTo(active, 100);
    this.router = scriptedRouter(spec.traffic.router, weights, this.timeline);
    const specReplicas = options.specReplicas === undefined ? spec.minReplicas : options.specReplicas;
    if (specReplicas !== null) spec.replicas = specReplicas;
    if (options.action) rollout.metadata.annotations = pendingAnnotations(options.action);
    for (const [track, seed] of Object.entries(options.tracks ?? {}) as Array<[Track, TrackSeed]>) {
      const ready = seed.ready ?? seed.replicas;
      this.cluster.seed(trackDeployment(this.agent, track, seed), {
        observedGeneration: 1,
        replicas: seed.replicas,
        readyReplicas: ready,
        availableReplicas: ready,
      });
    }
    const [activeService, previewService, ...trackServices] = agentServices(this.agent);
    const full = weights.blue === 100 ? "blue" : weights.green === 100 ? "green" : active;
    const preview = status?.canaryRevision ? otherTrack(active) : active;
    const controlled =
      options.freshServices || !activeService || !previewService
        ? []
        : [
            withSelector(activeService, { agent: this.agent, track: full }),
            withSelector(previewService, { agent: this.agent, track: preview }),
          ];
    for (const service of options.freshServices
      ? agentServices(this.agent)
      : [...controlled, ...trackServices])
      this.cluster.seed(service);
    const activeReplicas = options.tracks?.[active]?.replicas ?? 0;
    this.cluster.seed(
      rollout,
      status && {
        observedGeneration: 1,
        weights,
        replicas: activeReplicas,
        selector: `agent=${this.agent},track=${active}`,
        ...status,
      },
    );
  }

  rollout(): KubeObject {
    const rollout = this.cluster.read(KINDS.agentRollout, NAMESPACE, this.agent);
    if (!rollout) throw new Error(`AgentRollout ${this.agent} is gone`);
    return rollout;
  }

  /** What `pulumi up` does for a new agent version: a new pod template (generation 2). */
  release(version: string): void {
    const rollout = this.rollout();
    this.cluster.writeAsOthers(KINDS.agentRollout, {
      ...rollout,
      spec: { ...(rollout.spec as object), template: template(version) },
    });
  }

  /** What the CLI writes: a manual action request on the annotations. */
  request(action: ManualAction): void {
    const rollout = this.rollout();
    this.cluster.writeAsOthers(KINDS.agentRollout, {
      ...rollout,
      metadata: { ...rollout.metadata, annotations: pendingAnnotations(action) },
    });
  }

  deployment(track: Track): KubeObject | undefined {
    return this.cluster.read(KINDS.deployment, NAMESPACE, `${this.agent}-${track}`);
  }

  /** What the Deployment controller reports: `ready` pods of the current generation (default: all). */
  ready(track: Track, ready?: number): void {
    const deployment = this.deployment(track);
    if (!deployment) throw new Error(`no Deployment for track ${track}`);
    const replicas = (deployment.spec as { replicas: number }).replicas;
    const count = ready ?? replicas;
    this.cluster.writeAsOthers(
      KINDS.deployment,
      {
        ...deployment,
        status: {
          observedGeneration: deployment.metadata.generation,
          replicas,
          readyReplicas: count,
          availableReplicas: count,
        },
      },
      "status",
    );
  }

  async reconcile(): Promise<Pass> {
    this.timeline.length = 0;
    const firstWrite = this.cluster.writes.length;
    const result = await reconcileRollout(
      {
        cluster: this.cluster,
        routers: { forSpec: () => this.router },
        provider: this.provider,
        clock: this.clock,
        logger: pino({ level: "silent" }),
        lookupDeployment: (namespace, name) => this.cluster.read(KINDS.deployment, namespace, name),
      },
      this.rollout(),
    );
    const writes = this.cluster.writes.slice(firstWrite);
    const patch = writes.find((write) => write.verb === "patchStatus")?.body as
      | Record<string, unknown>
      | undefined;
    const { conditions, ...facts } = patch ?? {};
    return {
      result,
      patch,
      facts: patch && facts,
      conditions: conditionsOf(conditions as Condition[] | undefined),
      events: result.events,
      decisions: result.decisions,
      timeline: this.timeline.filter((line) => !line.endsWith(" status")),
      writes: writes.filter((write) => write.verb !== "patchStatus"),
      status: (this.rollout().status ?? {}) as AgentRolloutStatus,
    };
  }
}

function pendingAnnotations(action: ManualAction): Record<string, string> {
  return Object.fromEntries(
    Object.entries(actionAnnotations(action)).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}

/** A manual action request as the CLI writes it, made a second before T0 on the wall clock. */
export function manualAction(
  action: ManualAction["action"],
  extra: Partial<ManualAction> = {},
): ManualAction {
  return { action, id: `${action}-1`, by: "bob", at: isoTime(T0 - 1000), supersedes: [], ...extra };
}

/** `decision: reason` of each audit decision, in order. */
export function decided(pass: Pass): string[] {
  return pass.decisions.map((decision) => `${decision.decision}: ${decision.reason}`);
}
