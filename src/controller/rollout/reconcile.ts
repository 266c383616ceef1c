/**
 * One reconcile of one AgentRollout, as a straight pipeline: read → decide → act → one status
 * patch → events and audit. Every step is small; I/O steps record failures as problems and the
 * pass still ends with its status write, so a restarted or newly elected controller resumes from
 * exactly what this pass decided.
 */
import type { Logger } from "pino";
import { AGENT_ROLLOUT_API_VERSION, TRACKS } from "../../contract/agentRollout.ts";
import { trackName } from "../../contract/names.ts";
import {
  type AgentRolloutStatus,
  agentRolloutSpecSchema,
  agentRolloutStatusSchema,
} from "../../crd/agentRollout.ts";
import type { MetricProvider } from "../analysis/provider.ts";
import { type Clock, isoTime } from "../clock.ts";
import { type Cluster, KINDS, type KubeObject, keyOf, parseKey } from "../kube/cluster.ts";
import { errorMessage } from "../kube/errors.ts";
import type { RouterRegistry } from "../traffic/registry.ts";
import { splitsTraffic, type TrafficRouter } from "../traffic/router.ts";
import { applyManualAction, confirmActionTraffic } from "./actions.ts";
import { actuateTracks, actuateTraffic, observeTraffic, syncServices } from "./actuate.ts";
import { analyse } from "./analysisStep.ts";
import { removeCondition, setCondition } from "./conditions.ts";
import type { Decision, PendingEvent, ReconcileContext } from "./context.ts";
import { markStepInPlace, progress } from "./decide/progress.ts";
import { completeScaleDown } from "./decide/promote.ts";
import { detectRevision, initialize } from "./decide/start.ts";
import { derivePhase } from "./phase.ts";
import { revisionOf } from "./revision.ts";
import { checkScrapeGate } from "./scrapeGate.ts";
import { finalizeStatus, mergePatchBetween, statusPatch } from "./status.ts";
import { desiredReplicasOf, observeTrack } from "./tracks.ts";

export interface ReconcileDependencies {
  cluster: Cluster;
  /** Only `forSpec` is used: the router for an AgentRollout's `traffic.router`. */
  routers: Pick<RouterRegistry, "forSpec">;
  provider: MetricProvider;
  clock: Clock;
  logger: Logger;
  /** Cached track Deployment by namespace and name (the informer), read before each pass. */
  lookupDeployment(namespace: string, name: string): KubeObject | undefined;
}

export interface ReconcileResult {
  /** The AgentRollout as written by the status patch (undefined when nothing changed). */
  written: KubeObject | undefined;
  /** Versions of the AgentRollout this pass wrote before `written` (the spec.replicas seed). */
  earlierWrites: string[];
  phase: AgentRolloutStatus["phase"];
  status: AgentRolloutStatus;
  decisions: Decision[];
  events: PendingEvent[];
  /** Reconcile again after this long, whatever happens meanwhile. */
  requeueAfterMs: number | undefined;
  /** Problems that did not stop the pass (retried with backoff). */
  problems: string[];
}

/** Parses spec and status; an unusable spec is reported in status and stops the pass. */
function buildContext(
  deps: ReconcileDependencies,
  rollout: KubeObject,
): ReconcileContext | { invalid: string; status: AgentRolloutStatus } {
  const parsedStatus = agentRolloutStatusSchema.safeParse(rollout.status ?? {});
  const original = parsedStatus.success ? parsedStatus.data : ((rollout.status ?? {}) as AgentRolloutStatus);
  const parsed = agentRolloutSpecSchema.safeParse(rollout.spec);
  if (!parsed.success)
    return {
      invalid: `spec is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
      status: original,
    };
  const spec = parsed.data;
  if (!spec.strategy.canary === !spec.strategy.blueGreen)
    return { invalid: "spec.strategy needs exactly one of canary or blueGreen", status: original };
  if (spec.maxReplicas !== undefined && spec.maxReplicas < spec.minReplicas)
    return {
      invalid: `spec.maxReplicas (${spec.maxReplicas}) is below spec.minReplicas (${spec.minReplicas})`,
      status: original,
    };
  let router: TrafficRouter;
  try {
    router = deps.routers.forSpec(spec.traffic.router);
  } catch (error) {
    return {
      invalid: `traffic.router ${spec.traffic.router} is unusable here: ${errorMessage(error)}`,
      status: original,
    };
  }
  if (spec.strategy.canary && !splitsTraffic(router)) {
    return {
      invalid: `a canary needs a router that splits traffic; ${router.kind} only switches (use blueGreen or another router)`,
      status: original,
    };
  }
  const key = parseKey(keyOf(rollout));
  return {
    now: deps.clock.now(),
    wallNow: Date.now(),
    key,
    rollout,
    spec,
    desiredRevision: revisionOf(spec.template),
    desiredReplicas: desiredReplicasOf(spec),
    router,
    owner: {
      apiVersion: AGENT_ROLLOUT_API_VERSION,
      kind: "AgentRollout",
      name: key.name,
      uid: rollout.metadata.uid ?? "",
      controller: true,
      blockOwnerDeletion: true,
    },
    original,
    status: structuredClone(original),
    tracks: { blue: undefined, green: undefined },
    weights: undefined,
    events: [],
    decisions: [],
    wakeAt: undefined,
    problems: [],
  };
}

function observeTracks(deps: ReconcileDependencies, context: ReconcileContext): void {
  for (const track of TRACKS) {
    context.tracks[track] = observeTrack(
      deps.lookupDeployment(context.key.namespace, trackName(context.spec.agent, track)),
    );
  }
}

/** The one status write of a pass, conditional on the resourceVersion the pass read (409 → re-read). */
async function persist(
  deps: ReconcileDependencies,
  rollout: KubeObject,
  patch: unknown,
): Promise<KubeObject | undefined> {
  if (patch === undefined) return undefined;
  const key = parseKey(keyOf(rollout));
  return deps.cluster.patchStatus(
    KINDS.agentRollout,
    key,
    patch as Record<string, unknown>,
    rollout.metadata.resourceVersion,
  );
}

async function reconcileInvalid(
  deps: ReconcileDependencies,
  rollout: KubeObject,
  invalid: string,
  original: AgentRolloutStatus,
): Promise<ReconcileResult> {
  const status = structuredClone(original);
  setCondition(status, "InvalidSpec", "True", "InvalidSpec", invalid, isoTime(deps.clock.now()));
  status.phase = "Degraded";
  status.message = invalid;
  status.observedGeneration = rollout.metadata.generation;
  const written = await persist(deps, rollout, mergePatchBetween(original, status));
  return {
    written,
    earlierWrites: [],
    phase: status.phase,
    status,
    decisions: [],
    events: written ? [{ type: "Warning", reason: "InvalidSpec", message: invalid }] : [],
    requeueAfterMs: undefined,
    problems: [invalid],
  };
}

async function step(context: ReconcileContext, name: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    context.problems.push(`${name}: ${errorMessage(error)}`);
  }
}

/**
 * The scale subresource of a custom resource cannot be read while `spec.replicas` is unset (the
 * API server answers 500), so an HPA targeting a new AgentRollout could never start. Pulumi must
 * not set the field (the HPA owns it), so the controller writes `minReplicas` once, through the
 * scale subresource as an autoscaler would, conditional on the version it read; never again
 * once the field exists. Returns the AgentRollout as stored after the write.
 */
async function seedReplicas(deps: ReconcileDependencies, context: ReconcileContext): Promise<KubeObject> {
  const { key, rollout, spec } = context;
  await deps.cluster.replaceScale(
    KINDS.agentRollout,
    key,
    spec.minReplicas,
    rollout.metadata.resourceVersion,
  );
  deps.logger.info(
    { rollout: keyOf(rollout), replicas: spec.minReplicas },
    "seeded spec.replicas with minReplicas for the scale subresource",
  );
  const stored = await deps.cluster.get(KINDS.agentRollout, key);
  if (!stored) throw new Error(`AgentRollout ${keyOf(rollout)} disappeared while seeding spec.replicas`);
  return stored;
}

export async function reconcileRollout(
  deps: ReconcileDependencies,
  read: KubeObject,
): Promise<ReconcileResult> {
  let rollout = read;
  let built = buildContext(deps, rollout);
  const earlierWrites: string[] = [];
  if (!("invalid" in built) && built.spec.replicas === undefined) {
    rollout = await seedReplicas(deps, built);
    if (rollout.metadata.resourceVersion) earlierWrites.push(rollout.metadata.resourceVersion);
    built = buildContext(deps, rollout);
  }
  if ("invalid" in built) {
    const result = await reconcileInvalid(deps, rollout, built.invalid, built.status);
    return { ...result, earlierWrites };
  }
  const context = built;
  removeCondition(context.status, "InvalidSpec");
  initialize(context);
  observeTracks(deps, context);
  await step(context, "read traffic", () => observeTraffic(context));
  applyManualAction(context);
  detectRevision(context);
  await step(context, "analysis", () => analyse(context, deps.provider));
  progress(context);
  await step(context, "scrape gate", () => checkScrapeGate(context, deps.provider));
  await step(context, "route traffic", () => actuateTraffic(context));
  confirmActionTraffic(context);
  await step(context, "size tracks", () => actuateTracks(deps.cluster, context));
  markStepInPlace(context);
  completeScaleDown(context);
  await step(context, "services", () => syncServices(deps.cluster, context));
  finalizeStatus(context);
  const written = await persist(deps, rollout, statusPatch(context));
  const due = context.wakeAt !== undefined ? Math.max(20, deps.clock.delayUntil(context.wakeAt)) : undefined;
  return {
    written,
    earlierWrites,
    phase: derivePhase(context.spec, context.status),
    status: context.status,
    decisions: context.decisions,
    events: context.events,
    requeueAfterMs: due,
    problems: context.problems,
  };
}
