/**
 * The API agreement scenario: a fixed sequence of calls through `@kubernetes/client-node` whose
 * observations (status codes, error reasons and messages, server defaults, field ownership,
 * conflicts) the sandbox API must reproduce. The fast tier runs it against the sandbox API
 * (test/kube-api/agreement.test.ts); the real tier runs the same function against kube-apiserver
 * and compares the two records.
 *
 * Prerequisites on the server: the namespace exists; the AgentRollout CRD is installed
 * (`buildAgentRolloutCrd()`); optionally the Gateway API HTTPRoute CRD (the HTTPRoute part is
 * skipped, `served: false`, when the kind is not served). No rollout controller may watch the
 * namespace (it would seed `spec.replicas` before the scenario reads the scale). The caller needs
 * create/get/update/patch/delete on agentrollouts (+ `/scale`), services, deployments and
 * httproutes there. Objects are named `agreement-*`; leftovers of an earlier run are deleted first,
 * and everything is deleted at the end.
 */
import {
  ApiException,
  CustomObjectsApi,
  createConfiguration,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  type Middleware,
  PatchStrategy,
  ServerConfiguration,
  Watch,
} from "@kubernetes/client-node";
import { AGENT_ROLLOUT, AGENT_ROLLOUT_API_VERSION } from "../../src/contract/agentRollout.ts";
import { holdsFieldsWeSet } from "../../src/controller/kube/fieldsWeSet.ts";
import type { AgentRolloutSpec } from "../../src/crd/agentRollout.ts";
import { lagMeter } from "./timing.ts";

/** What one call answered: its HTTP status and, for a failure, the Status reason and message. */
export interface CallObservation {
  status: number;
  reason?: string;
  message?: string;
}

export interface AgreementRecord {
  scale: {
    createWithoutReplicas: CallObservation;
    /** What an HPA meets before anything wrote spec.replicas. */
    getWhileUnset: CallObservation;
    /** The controller's one write: the desired count through the scale subresource. */
    seed: CallObservation & { specReplicas?: number };
    getAfterSeed: CallObservation & { specReplicas?: number; statusReplicas?: number };
    specReplicasAfterSeed?: number;
    /** The same write with the resourceVersion read before the seed. */
    staleSeed: CallObservation;
  };
  httpRoute: {
    served: boolean;
    create?: CallObservation;
    parentRefs?: unknown;
    matches?: unknown;
    backendRefs?: unknown;
    /** Every field the writer set reads back unchanged (the controller's drift rule). */
    writtenFieldsHeld?: boolean;
    /** The spec reads back exactly as written (false: the server added defaults). */
    identicalToWritten?: boolean;
  };
  deployment: {
    create: CallObservation;
    defaulted: Record<string, unknown>;
    writtenFieldsHeld: boolean;
  };
  service: {
    /** The old render: the applier's Service carries the selector another manager switches. */
    renderedWithSelector: ServiceOwnership;
    /** The fixed render: no selector; the switching manager applies the whole selector. */
    renderedWithoutSelector: ServiceOwnership;
  };
  watch: {
    /** The stream ended without an error (the server ended it at timeoutSeconds). */
    endedCleanly: boolean;
    /** Ended between timeoutSeconds − 1 s and timeoutSeconds + 3 s (+ this process's measured lag). */
    endedAtTimeout: boolean;
    sawBookmark: boolean;
    /** Event types other than BOOKMARK (none expected: nothing changes meanwhile). */
    otherEvents: string[];
  };
}

export interface ServiceOwnership {
  apply: CallObservation;
  switchSelector: CallObservation;
  /** `manager/operation` of every managedFields entry owning `spec.selector`, after the switch. */
  selectorOwnersAfterSwitch: string[];
  reapply: CallObservation;
  conflict: boolean;
  selectorAfterReapply?: Record<string, string>;
  /** The re-apply stored a new version (false: a no-op). */
  reapplyChangedResourceVersion?: boolean;
}

const PREFIX = "agreement";
const ROUTE_API_VERSION = "gateway.networking.k8s.io/v1";
const APPLIER = "agreement-applier";
const SWITCHER = "agreement-switcher";
const WATCH_TIMEOUT_SECONDS = 5;

function rolloutSpec(): AgentRolloutSpec {
  const agent = `${PREFIX}-agent`;
  return {
    agent,
    minReplicas: 2,
    maxReplicas: 4,
    selector: { matchLabels: { agent } },
    template: {
      metadata: { labels: { agent } },
      spec: { containers: [{ name: "agent", image: "registry.invalid/agent:1.0.0" }] },
    },
    strategy: {
      blueGreen: {
        scaleDownDelaySeconds: 0,
        autoPromote: false,
        analysis: {
          intervalSeconds: 60,
          count: 1,
          failureLimit: 0,
          inconclusiveLimit: 1,
          noData: "inconclusive",
          metrics: [{ name: "errors", query: "vector(0)", condition: "<", threshold: 1 }],
        },
      },
    },
    traffic: {
      router: "serviceSelector",
      activeService: `${PREFIX}-active`,
      previewService: `${PREFIX}-preview`,
      trackServices: { blue: `${PREFIX}-blue`, green: `${PREFIX}-green` },
      port: 8080,
    },
  };
}

function parseBody(body: unknown): { reason?: string; message?: string } {
  if (typeof body === "string") {
    try {
      return parseBody(JSON.parse(body));
    } catch {
      return { message: body };
    }
  }
  return typeof body === "object" && body !== null ? (body as { reason?: string; message?: string }) : {};
}

/** The API clients, with the HTTP status of the last answer captured by a middleware. */
class Clients {
  lastStatus = 0;
  readonly objects: KubernetesObjectApi;
  readonly custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error("the kubeconfig has no current cluster");
    const capture: Middleware = {
      pre: async (context) => context,
      post: async (response) => {
        this.lastStatus = response.httpStatusCode;
        return response;
      },
    };
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [capture],
    });
    this.objects = new KubernetesObjectApi(configuration);
    this.custom = new CustomObjectsApi(configuration);
  }

  /** Runs one call; a failure is an observation, not an exception. */
  async observe<T>(call: () => Promise<T>): Promise<{ observation: CallObservation; value?: T }> {
    this.lastStatus = 0;
    try {
      const value = await call();
      return { observation: { status: this.lastStatus }, value };
    } catch (error) {
      if (!(error instanceof ApiException)) throw error;
      const body = parseBody(error.body);
      return { observation: { status: error.code, reason: body.reason, message: body.message } };
    }
  }
}

/** JSON-able copy: drops class instances and Dates the typed models introduce. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

type Header = KubernetesObject & { metadata: { name: string; namespace: string } };

function header(apiVersion: string, kind: string, namespace: string, name: string): Header {
  return { apiVersion, kind, metadata: { name, namespace } };
}

async function removeQuietly(clients: Clients, object: Header): Promise<void> {
  try {
    await clients.objects.delete(object);
  } catch {
    // Absent already (or not served): nothing to clean up.
  }
}

async function scaleScenario(clients: Clients, namespace: string): Promise<AgreementRecord["scale"]> {
  const name = `${PREFIX}-rollout`;
  const scaleRequest = {
    group: AGENT_ROLLOUT.group,
    version: AGENT_ROLLOUT.version,
    namespace,
    plural: AGENT_ROLLOUT.plural,
    name,
  };
  const created = await clients.observe(() =>
    clients.custom.createNamespacedCustomObject({
      group: AGENT_ROLLOUT.group,
      version: AGENT_ROLLOUT.version,
      namespace,
      plural: AGENT_ROLLOUT.plural,
      body: {
        apiVersion: AGENT_ROLLOUT_API_VERSION,
        kind: AGENT_ROLLOUT.kind,
        metadata: { name },
        spec: rolloutSpec(),
      },
    }),
  );
  const readVersion = (created.value as { metadata?: { resourceVersion?: string } } | undefined)?.metadata
    ?.resourceVersion;
  const getWhileUnset = await clients.observe(() =>
    clients.custom.getNamespacedCustomObjectScale(scaleRequest),
  );
  const scaleBody = (replicas: number) => ({
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: { name, namespace, resourceVersion: readVersion },
    spec: { replicas },
  });
  const seed = await clients.observe(() =>
    clients.custom.replaceNamespacedCustomObjectScale({ ...scaleRequest, body: scaleBody(2) }),
  );
  const afterSeed = await clients.observe(() => clients.custom.getNamespacedCustomObjectScale(scaleRequest));
  const rollout = await clients.observe(() => clients.custom.getNamespacedCustomObject({ ...scaleRequest }));
  const staleSeed = await clients.observe(() =>
    clients.custom.replaceNamespacedCustomObjectScale({ ...scaleRequest, body: scaleBody(3) }),
  );
  type ScaleShape = { spec?: { replicas?: number }; status?: { replicas?: number } };
  return {
    createWithoutReplicas: created.observation,
    getWhileUnset: getWhileUnset.observation,
    seed: { ...seed.observation, specReplicas: (seed.value as ScaleShape | undefined)?.spec?.replicas },
    getAfterSeed: {
      ...afterSeed.observation,
      specReplicas: (afterSeed.value as ScaleShape | undefined)?.spec?.replicas,
      statusReplicas: (afterSeed.value as ScaleShape | undefined)?.status?.replicas,
    },
    specReplicasAfterSeed: (rollout.value as ScaleShape | undefined)?.spec?.replicas,
    staleSeed: staleSeed.observation,
  };
}

async function httpRouteServed(clients: Clients): Promise<boolean> {
  try {
    const list = await clients.custom.getAPIResources({ group: "gateway.networking.k8s.io", version: "v1" });
    return list.resources.some((resource) => resource.name === "httproutes");
  } catch {
    return false;
  }
}

async function httpRouteScenario(clients: Clients, namespace: string): Promise<AgreementRecord["httpRoute"]> {
  if (!(await httpRouteServed(clients))) return { served: false };
  // Shaped as the controller renders it (traffic/gatewayApi.ts renderHttpRoute).
  const spec = {
    parentRefs: [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", namespace: "gateway-system" },
    ],
    hostnames: ["agreement.example.com"],
    rules: [
      {
        matches: [{ path: { type: "PathPrefix", value: "/" } }],
        backendRefs: [
          { name: `${PREFIX}-blue`, port: 8080, weight: 100 },
          { name: `${PREFIX}-green`, port: 8080, weight: 0 },
        ],
      },
    ],
  };
  const route = { ...header(ROUTE_API_VERSION, "HTTPRoute", namespace, `${PREFIX}-route`), spec };
  const created = await clients.observe(() => clients.objects.create(route));
  const read = await clients.observe(() =>
    clients.objects.read(header(ROUTE_API_VERSION, "HTTPRoute", namespace, `${PREFIX}-route`)),
  );
  const live = plain((read.value as { spec?: typeof spec } | undefined)?.spec);
  return {
    served: true,
    create: created.observation,
    parentRefs: live?.parentRefs,
    matches: live?.rules?.[0]?.matches,
    backendRefs: live?.rules?.[0]?.backendRefs,
    writtenFieldsHeld: holdsFieldsWeSet(spec, live),
    identicalToWritten: JSON.stringify(live) === JSON.stringify(spec),
  };
}

async function deploymentScenario(
  clients: Clients,
  namespace: string,
): Promise<AgreementRecord["deployment"]> {
  const labels = { agent: `${PREFIX}-agent`, track: "blue" };
  // Shaped as the controller's track Deployments (rollout/tracks.ts), at 0 replicas: no pods needed.
  const spec = {
    replicas: 0,
    selector: { matchLabels: labels },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: "agent",
            image: "registry.invalid/agent:1.0.0",
            ports: [{ name: "http", containerPort: 8080 }],
            readinessProbe: { httpGet: { path: "/ready", port: "http" } },
          },
        ],
      },
    },
  };
  const deployment = { ...header("apps/v1", "Deployment", namespace, `${PREFIX}-blue`), spec };
  const created = await clients.observe(() => clients.objects.create(deployment));
  const live = plain((created.value as { spec?: Record<string, unknown> } | undefined)?.spec) as
    | {
        revisionHistoryLimit?: number;
        progressDeadlineSeconds?: number;
        template?: { spec?: Record<string, unknown> & { containers?: Array<Record<string, unknown>> } };
      }
    | undefined;
  const pod = live?.template?.spec;
  const container = pod?.containers?.[0];
  return {
    create: created.observation,
    defaulted: {
      revisionHistoryLimit: live?.revisionHistoryLimit,
      progressDeadlineSeconds: live?.progressDeadlineSeconds,
      restartPolicy: pod?.restartPolicy,
      dnsPolicy: pod?.dnsPolicy,
      schedulerName: pod?.schedulerName,
      terminationGracePeriodSeconds: pod?.terminationGracePeriodSeconds,
      securityContext: pod?.securityContext,
      imagePullPolicy: container?.imagePullPolicy,
      terminationMessagePath: container?.terminationMessagePath,
      terminationMessagePolicy: container?.terminationMessagePolicy,
      portProtocol: (container?.ports as Array<{ protocol?: string }> | undefined)?.[0]?.protocol,
      readinessProbe: container?.readinessProbe,
    },
    writtenFieldsHeld: holdsFieldsWeSet(spec, live),
  };
}

interface ManagedEntry {
  manager?: string;
  operation?: string;
  fieldsV1?: { "f:spec"?: Record<string, unknown> };
}

function selectorOwners(object: unknown): string[] {
  const entries = (plain(object) as { metadata?: { managedFields?: ManagedEntry[] } } | undefined)?.metadata
    ?.managedFields;
  return (entries ?? [])
    .filter((entry) => entry.fieldsV1?.["f:spec"]?.["f:selector"] !== undefined)
    .map((entry) => `${entry.manager}/${entry.operation}`)
    .sort();
}

async function serviceScenario(
  clients: Clients,
  namespace: string,
  name: string,
  renderedSelector: boolean,
): Promise<ServiceOwnership> {
  const agent = `${PREFIX}-agent`;
  const rendered = {
    ...header("v1", "Service", namespace, name),
    metadata: { name, namespace, labels: { agent } },
    spec: {
      type: "ClusterIP",
      ...(renderedSelector ? { selector: { agent } } : {}),
      ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
    },
  };
  const apply = () =>
    clients.objects.patch(rendered, undefined, undefined, APPLIER, undefined, PatchStrategy.ServerSideApply);
  const applied = await clients.observe(apply);
  // The old controller merge-patched `track`; the fixed one applies the whole selector, forced.
  const switched = await clients.observe(() =>
    renderedSelector
      ? clients.objects.patch(
          { ...header("v1", "Service", namespace, name), spec: { selector: { track: "green" } } },
          undefined,
          undefined,
          SWITCHER,
          undefined,
          PatchStrategy.MergePatch,
        )
      : clients.objects.patch(
          { ...header("v1", "Service", namespace, name), spec: { selector: { agent, track: "green" } } },
          undefined,
          undefined,
          SWITCHER,
          true,
          PatchStrategy.ServerSideApply,
        ),
  );
  const beforeVersion = (switched.value as KubernetesObject | undefined)?.metadata?.resourceVersion;
  const reapplied = await clients.observe(apply);
  const after = reapplied.value as
    | (KubernetesObject & { spec?: { selector?: Record<string, string> } })
    | undefined;
  return {
    apply: applied.observation,
    switchSelector: switched.observation,
    selectorOwnersAfterSwitch: selectorOwners(switched.value),
    reapply: reapplied.observation,
    conflict: reapplied.observation.status === 409,
    ...(after
      ? {
          selectorAfterReapply: plain(after.spec?.selector),
          reapplyChangedResourceVersion: after.metadata?.resourceVersion !== beforeVersion,
        }
      : {}),
  };
}

async function watchScenario(
  kubeConfig: KubeConfig,
  clients: Clients,
  namespace: string,
): Promise<AgreementRecord["watch"]> {
  const list = (await clients.custom.listNamespacedCustomObject({
    group: AGENT_ROLLOUT.group,
    version: AGENT_ROLLOUT.version,
    namespace,
    plural: AGENT_ROLLOUT.plural,
  })) as { metadata?: { resourceVersion?: string } };
  const types: string[] = [];
  const started = Date.now();
  const lag = lagMeter();
  const ended = await new Promise<unknown>((resolve) => {
    void new Watch(kubeConfig)
      .watch(
        `/apis/${AGENT_ROLLOUT_API_VERSION}/namespaces/${namespace}/${AGENT_ROLLOUT.plural}`,
        {
          resourceVersion: list.metadata?.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: WATCH_TIMEOUT_SECONDS,
        },
        (type) => types.push(type),
        (error) => resolve(error ?? null),
      )
      .catch(resolve);
  });
  const seconds = (Date.now() - started) / 1000;
  lag.stop();
  // Late by no more than 3 s plus what this process was measured to run late (a busy machine).
  const latest = WATCH_TIMEOUT_SECONDS + 3 + lag.lagMs() / 1000;
  return {
    endedCleanly: ended === null,
    endedAtTimeout: seconds >= WATCH_TIMEOUT_SECONDS - 1 && seconds <= latest,
    sawBookmark: types.includes("BOOKMARK"),
    otherEvents: types.filter((type) => type !== "BOOKMARK"),
  };
}

function scenarioObjects(namespace: string): Header[] {
  return [
    header(AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT.kind, namespace, `${PREFIX}-rollout`),
    header(ROUTE_API_VERSION, "HTTPRoute", namespace, `${PREFIX}-route`),
    header("apps/v1", "Deployment", namespace, `${PREFIX}-blue`),
    header("v1", "Service", namespace, `${PREFIX}-old-render`),
    header("v1", "Service", namespace, `${PREFIX}-new-render`),
  ];
}

/** Runs the scenario in `namespace` and returns what the server answered (see the module doc). */
export async function runApiAgreementScenario(
  kubeConfig: KubeConfig,
  namespace: string,
): Promise<AgreementRecord> {
  const clients = new Clients(kubeConfig);
  for (const object of scenarioObjects(namespace)) await removeQuietly(clients, object);
  try {
    const scale = await scaleScenario(clients, namespace);
    const httpRoute = await httpRouteScenario(clients, namespace);
    const deployment = await deploymentScenario(clients, namespace);
    const service = {
      renderedWithSelector: await serviceScenario(clients, namespace, `${PREFIX}-old-render`, true),
      renderedWithoutSelector: await serviceScenario(clients, namespace, `${PREFIX}-new-render`, false),
    };
    const watch = await watchScenario(kubeConfig, clients, namespace);
    return plain({ scale, httpRoute, deployment, service, watch });
  } finally {
    for (const object of scenarioObjects(namespace)) await removeQuietly(clients, object);
  }
}
