/**
 * Test harness: the sandbox Kubernetes API, a fake Prometheus, and controller replicas running
 * in-process on the real client-node adapter over HTTP, with a clock five times faster than real
 * time (1 s analysis intervals take 200 ms).
 */
import { type ControllerApp, startControllerApp } from "../../../src/controller/app.ts";
import { type Clock, scaledClock } from "../../../src/controller/clock.ts";
import { type ControllerSettings, settingsFromEnv } from "../../../src/controller/config.ts";
import { ClientNodeCluster, kubeConfigForServer } from "../../../src/controller/kube/clientNodeCluster.ts";
import { KINDS, type KubeObject } from "../../../src/controller/kube/cluster.ts";
import { createLogger } from "../../../src/controller/log.ts";
import type { AgentRolloutStatus } from "../../../src/crd/agentRollout.ts";
import type { AdmissionHook } from "../../../src/sandbox/kube-api/admission.ts";
import { SANDBOX_RESOURCES } from "../../../src/sandbox/kube-api/resources.ts";
import { type KubeApiServer, startKubeApiServer } from "../../../src/sandbox/kube-api/server.ts";
import { type FakePrometheus, startFakePrometheus } from "./fakePrometheus.ts";
import { agentRollout, agentServices, NAMESPACE, type RolloutOptions, template } from "./fixtures.ts";
import { LogCapture } from "./logCapture.ts";

export const CLOCK_SPEED = 5;

export interface Harness {
  api: KubeApiServer;
  prometheus: FakePrometheus;
  /** A separate client for the test's own reads and writes. */
  cluster: ClientNodeCluster;
  clock: Clock;
  logs: LogCapture;
  apps: ControllerApp[];
  startController(overrides?: Record<string, string>): Promise<ControllerApp>;
  close(): Promise<void>;
}

export function testSettings(
  api: KubeApiServer,
  prometheus: FakePrometheus,
  overrides: Record<string, string> = {},
): ControllerSettings {
  return settingsFromEnv({
    KUBE_API_SERVER: api.url,
    WATCH_NAMESPACES: NAMESPACE,
    POD_NAMESPACE: "agent-fleet-system",
    POD_NAME: `controller-${Math.random().toString(16).slice(2, 8)}`,
    LEASE_DURATION_SECONDS: "1",
    RENEW_DEADLINE_SECONDS: "0.7",
    RETRY_PERIOD_SECONDS: "0.15",
    PROMETHEUS_URL: prometheus.url,
    PROMETHEUS_TIMEOUT_SECONDS: "0.5",
    PROMETHEUS_BREAKER_FAILURES: "2",
    PROMETHEUS_BREAKER_OPEN_SECONDS: "0.3",
    API_TIMEOUT_SECONDS: "2",
    OPS_HOST: "127.0.0.1",
    OPS_PORT: "0",
    RESYNC_SECONDS: "2",
    LOG_LEVEL: "info",
    ...overrides,
  });
}

export interface HarnessOptions {
  deploymentReadyDelayMs?: number;
  onRequest?: (method: string, path: string, query: URLSearchParams, userAgent: string) => void;
  admission?: readonly AdmissionHook[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const api = await startKubeApiServer({
    deploymentReadyDelayMs: options.deploymentReadyDelayMs ?? 20,
    bookmarkIntervalMs: 1000,
    onRequest: options.onRequest,
    admission: options.admission,
  });
  const prometheus = await startFakePrometheus();
  const cluster = new ClientNodeCluster(kubeConfigForServer(api.url), {
    retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
    userAgent: "test-harness",
  });
  const clock = scaledClock(CLOCK_SPEED);
  const logs = new LogCapture();
  const apps: ControllerApp[] = [];
  return {
    api,
    prometheus,
    cluster,
    clock,
    logs,
    apps,
    startController: async (overrides = {}) => {
      const settings = testSettings(api, prometheus, overrides);
      const app = await startControllerApp(settings, { logger: createLogger("info", logs), clock });
      apps.push(app);
      return app;
    },
    close: async () => {
      await Promise.all(apps.map((app) => app.stop().catch(() => {})));
      await prometheus.close();
      await api.close();
    },
  };
}

export async function createAgent(harness: Harness, options: RolloutOptions = {}): Promise<KubeObject> {
  const rollout = agentRollout(options);
  for (const service of agentServices(rollout.spec ? (rollout.spec as { agent: string }).agent : "ingest")) {
    await harness.cluster.create(service);
  }
  return harness.cluster.create(rollout);
}

export async function readStatus(harness: Harness, name = "ingest"): Promise<AgentRolloutStatus> {
  const rollout = await harness.cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name });
  return (rollout?.status ?? {}) as AgentRolloutStatus;
}

/**
 * Polls `read` until `accept` holds. The default deadline is generous on purpose: a release that
 * takes 2 s on an idle machine can take ten times that on a loaded one, and only a hang should fail.
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

export function waitForStatus(
  harness: Harness,
  what: string,
  accept: (status: AgentRolloutStatus) => boolean,
  timeoutMs?: number,
  name = "ingest",
) {
  return waitFor(what, () => readStatus(harness, name), accept, timeoutMs);
}

/** What `pulumi up` does for a new agent version: a new pod template. */
export async function releaseVersion(harness: Harness, version: string, name = "ingest"): Promise<void> {
  await harness.cluster.patch(
    KINDS.agentRollout,
    { namespace: NAMESPACE, name },
    { spec: { template: template(version) } },
  );
}

/** What the HPA does: write the desired count through the scale subresource. */
export async function scaleTo(harness: Harness, replicas: number, name = "ingest"): Promise<void> {
  const url = `${harness.api.url}/apis/agentfleet.dev/v1alpha1/namespaces/${NAMESPACE}/agentrollouts/${name}/scale`;
  const response = await fetch(url, {
    method: "PATCH",
    headers: { "Content-Type": "application/merge-patch+json" },
    body: JSON.stringify({ spec: { replicas } }),
  });
  if (!response.ok) throw new Error(`scale failed: ${response.status} ${await response.text()}`);
}

export async function deploymentReplicas(
  harness: Harness,
  track: "blue" | "green",
  agent = "ingest",
): Promise<number | undefined> {
  const deployment = await harness.cluster.get(KINDS.deployment, {
    namespace: NAMESPACE,
    name: `${agent}-${track}`,
  });
  return (deployment?.spec as { replicas?: number } | undefined)?.replicas;
}

/** Weights as configured in the HTTPRoute the controller owns (read straight from the API). */
export async function routeWeights(
  harness: Harness,
  agent = "ingest",
): Promise<{ blue: number; green: number } | undefined> {
  const route = await harness.cluster.get(KINDS.httpRoute, { namespace: NAMESPACE, name: agent });
  const refs = (
    route?.spec as { rules?: Array<{ backendRefs?: Array<{ name: string; weight?: number }> }> } | undefined
  )?.rules?.[0]?.backendRefs;
  if (!refs) return undefined;
  const weight = (name: string) => refs.find((ref) => ref.name === name)?.weight ?? 0;
  return { blue: weight(`${agent}-blue`), green: weight(`${agent}-green`) };
}

/** Every spec.replicas a Deployment ever had, from the API server's own event stream. */
export function recordReplicas(harness: Harness, deployment: string): number[] {
  const seen: number[] = [];
  harness.api.store.subscribe((event) => {
    if (event.typeKey !== "apps/v1/deployments" || event.object.metadata.name !== deployment) return;
    const replicas = (event.object.spec as { replicas?: number } | undefined)?.replicas;
    if (typeof replicas === "number" && event.type !== "DELETED") seen.push(replicas);
  });
  return seen;
}

/** Each spec.replicas a Deployment was stored with, stamped with the controller's clock at that moment. */
export function recordReplicasOnClock(
  harness: Harness,
  deployment: string,
): Array<{ at: number; replicas: number }> {
  const seen: Array<{ at: number; replicas: number }> = [];
  harness.api.store.subscribe((event) => {
    if (event.typeKey !== "apps/v1/deployments" || event.object.metadata.name !== deployment) return;
    const replicas = (event.object.spec as { replicas?: number } | undefined)?.replicas;
    if (typeof replicas === "number" && event.type !== "DELETED")
      seen.push({ at: harness.clock.now(), replicas });
  });
  return seen;
}

/**
 * Waits until the controller's clock moved on by `intervals` analysis intervals (1 s in the
 * fixtures) and the leader reconciled at least that many more times: "nothing changed for N
 * intervals" then means N chances to change, not a fixed sleep a busy machine may cut short.
 */
export async function waitForIntervals(
  harness: Harness,
  intervals: number,
  intervalMs = 1000,
): Promise<void> {
  const reconciles = () => harness.apps.reduce((sum, app) => sum + (app.controller()?.reconciles ?? 0), 0);
  const until = { clock: harness.clock.now() + intervals * intervalMs, reconciles: reconciles() + intervals };
  await waitFor(
    `${intervals} analysis intervals`,
    async () => ({ clock: harness.clock.now(), reconciles: reconciles() }),
    (now) => now.clock >= until.clock && now.reconciles >= until.reconciles,
  );
}

export interface TrackSample {
  replicas: number;
  /** The track's weight in the HTTPRoute at that moment. */
  traffic: number;
}

const ROUTES = SANDBOX_RESOURCES.find((type) => type.kind === "HTTPRoute");
const DEPLOYMENTS = SANDBOX_RESOURCES.find((type) => type.kind === "Deployment");

/** The HTTPRoute's weight for a track right now, read synchronously from the API server's store. */
export function storedTrackWeight(harness: Harness, track: "blue" | "green", agent = "ingest"): number {
  const route = ROUTES ? harness.api.store.get(ROUTES, NAMESPACE, agent) : undefined;
  const refs = (
    route?.spec as { rules?: Array<{ backendRefs?: Array<{ name: string; weight?: number }> }> } | undefined
  )?.rules?.[0]?.backendRefs;
  return refs?.find((ref) => ref.name === `${agent}-${track}`)?.weight ?? 0;
}

/** Each change of a track's Deployment size or of the route, with the track's traffic at that moment. */
export function recordTrackUnderTraffic(
  harness: Harness,
  track: "blue" | "green",
  agent = "ingest",
): TrackSample[] {
  const samples: TrackSample[] = [];
  harness.api.store.subscribe((event) => {
    const isTrack =
      event.typeKey === "apps/v1/deployments" && event.object.metadata.name === `${agent}-${track}`;
    if (!isTrack && event.typeKey !== "gateway.networking.k8s.io/v1/httproutes") return;
    const deployment = DEPLOYMENTS
      ? harness.api.store.get(DEPLOYMENTS, NAMESPACE, `${agent}-${track}`)
      : undefined;
    if (!deployment) return;
    samples.push({
      replicas: (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 0,
      traffic: storedTrackWeight(harness, track, agent),
    });
  });
  return samples;
}

/** Every status the API server stored for an AgentRollout, in order. */
export function recordStatuses(harness: Harness, name = "ingest"): AgentRolloutStatus[] {
  const seen: AgentRolloutStatus[] = [];
  harness.api.store.subscribe((event) => {
    if (
      event.typeKey === "agentfleet.dev/v1alpha1/agentrollouts" &&
      event.object.metadata.name === name &&
      event.object.status
    ) {
      seen.push(event.object.status as AgentRolloutStatus);
    }
  });
  return seen;
}
