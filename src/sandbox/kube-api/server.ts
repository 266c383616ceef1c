/**
 * A small Kubernetes-API-compatible HTTP server for the kinds the rollout controller uses. It is
 * a test substrate: the controller's real `@kubernetes/client-node` adapter talks to it over HTTP.
 *
 * What it does: discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`); get, list,
 * create, replace, patch and delete, namespaced and across namespaces; list/watch with
 * resourceVersion (replay from a bounded history, 410 Expired beyond it, bookmarks, timeouts);
 * label selectors (equality and set-based) and `metadata.name`/`metadata.namespace` field
 * selectors; `status` and `scale` subresources; 409 on a stale resourceVersion (in a PUT body or
 * inside a patch); `generation` bumps; merge and JSON patches; fault injection (latency, error
 * answers, dropped watches) through `faults` or `POST /sandbox/faults`.
 *
 * Admission hooks (`admission`) see each write before it is stored; `admission.ts` emulates
 * `OwnerReferencesPermissionEnforcement` against a caller-supplied authorizer.
 *
 * Defaulting: the built-in defaults of Deployments (pod template included) and Services, and the
 * schema defaults of the HTTPRoute CRD, as kube-apiserver stores them (`defaults.ts`).
 *
 * Server-side apply: field ownership in `metadata.managedFields` (FieldsV1), 409 conflicts unless
 * `force`, fields dropped from an applied config removed, atomic selectors (`fieldManagers.ts`).
 *
 * What it does NOT emulate (see NOT_EMULATED): authentication and RBAC, built-in admission, schema
 * validation and defaults of other kinds, garbage collection of owned objects, finalizers, true
 * strategic merge (list merge keys: a strategic merge patch is a JSON merge patch, and every list
 * is one field for server-side apply), pagination (`limit`/`continue` are ignored), protobuf,
 * watch events for objects that stop matching a selector, Pods/ReplicaSets (Deployment status can
 * be simulated), persistence (memory only).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AdmissionHook } from "./admission.ts";
import { type DeploymentStatusSimulator, simulateDeploymentStatus } from "./deploymentStatus.ts";
import { FaultInjector, type FaultRule, type FaultInjector as Faults } from "./faults.ts";
import {
  createObject,
  deleteObject,
  getObject,
  listObjects,
  objectFilter,
  patchObject,
  type ResourceRequest,
  replaceObject,
} from "./handlers.ts";
import { apiGroupList, discoveryDocument, type ResourceType, SANDBOX_RESOURCES } from "./resources.ts";
import { ApiError, ObjectStore } from "./store.ts";
import { serveWatch } from "./watch.ts";

export const NOT_EMULATED = [
  "authentication, authorization (RBAC) and built-in admission (hooks can be supplied)",
  "OpenAPI schema validation; defaulting beyond Deployments, Services and HTTPRoutes",
  "garbage collection through ownerReferences, finalizers, graceful deletion",
  "strategic-merge list semantics (a strategic merge patch is a JSON merge patch; apply treats lists as one field)",
  "pagination (limit/continue), protobuf, table output",
  "synthetic DELETED events when an object stops matching a watch selector",
  "Pods, ReplicaSets and scheduling (Deployment status is simulated on request)",
  "persistence across restarts",
] as const;

export interface KubeApiServerOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default SANDBOX_RESOURCES */
  resources?: readonly ResourceType[];
  /** Report Deployments ready this long after a write; absent: Deployment status is left alone. */
  deploymentReadyDelayMs?: number;
  /** Between BOOKMARKs of a watch that asked for them (kube-apiserver: about a minute). @default 60000 */
  bookmarkIntervalMs?: number;
  /** Watch history kept for resuming; older resourceVersions get 410. @default 50000 */
  historyLimit?: number;
  /** Sees every request before it is served: for audits such as RBAC checks. */
  onRequest?: (method: string, path: string, query: URLSearchParams, userAgent: string) => void;
  /** Run on every write before it is stored; a hook refuses it by throwing an `ApiError`. */
  admission?: readonly AdmissionHook[];
}

export interface KubeApiServer {
  url: string;
  store: ObjectStore;
  faults: Faults;
  deployments: DeploymentStatusSimulator | undefined;
  /** Requests served, by method (faulted ones included). */
  requests: Record<string, number>;
  close(): Promise<void>;
}

type Route =
  | { kind: "json"; body: unknown }
  | { kind: "resource"; type: ResourceType; namespace?: string; name?: string; subresource?: string };

function route(types: readonly ResourceType[], path: string): Route | undefined {
  if (path === "/api") return { kind: "json", body: { kind: "APIVersions", versions: ["v1"] } };
  if (path === "/apis") return { kind: "json", body: apiGroupList(types) };
  const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(\/.*)?$/.exec(path);
  if (!match) return undefined;
  const gv = match[1] ?? `${match[2]}/${match[3]}`;
  const rest = (match[4] ?? "").split("/").filter(Boolean).map(decodeURIComponent);
  if (rest.length === 0) {
    const document = discoveryDocument(types, gv);
    return document ? { kind: "json", body: document } : undefined;
  }
  const namespaced = rest[0] === "namespaces" && rest.length >= 3;
  const namespace = namespaced ? rest[1] : undefined;
  const [plural, name, subresource, extra] = namespaced ? rest.slice(2) : rest;
  const type = types.find((candidate) => {
    const candidateGv = candidate.group ? `${candidate.group}/${candidate.version}` : candidate.version;
    return candidateGv === gv && candidate.plural === plural;
  });
  if (!type || extra !== undefined || (namespaced && !type.namespaced)) return undefined;
  return { kind: "resource", type, namespace, name, subresource };
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

function sendStatus(
  response: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  sendJson(response, code, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "BadRequest", "the request body is not valid JSON");
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface ServerState {
  types: readonly ResourceType[];
  store: ObjectStore;
  faults: Faults;
  requests: Record<string, number>;
  options: KubeApiServerOptions;
}

/** The sandbox's own endpoints (fault control, health); true when the request was one of them. */
async function serveSandboxEndpoint(
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<boolean> {
  if (path === "/sandbox/faults" && request.method === "POST") {
    const body = parseJson(await readBody(request)) as {
      clear?: boolean;
      dropWatches?: boolean;
      add?: FaultRule[];
    };
    if (body.clear) state.faults.clear();
    if (body.dropWatches) state.faults.dropWatches();
    const ids = (body.add ?? []).map((rule) => state.faults.add(rule));
    sendJson(response, 200, { ids, counters: state.faults.counters });
    return true;
  }
  if (path === "/healthz" || path === "/readyz") {
    sendJson(response, 200, "ok");
    return true;
  }
  return false;
}

/** Applies injected latency; answers the injected error and returns true when there is one. */
async function injectFault(
  state: ServerState,
  response: ServerResponse,
  method: string,
  path: string,
  isWatch: boolean,
): Promise<boolean> {
  const fault = state.faults.decide(method, path, isWatch);
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault.status === undefined) return false;
  const reason =
    fault.status === 409 ? "Conflict" : fault.status === 429 ? "TooManyRequests" : "InternalError";
  sendStatus(response, fault.status, reason, `injected fault: ${fault.status}`);
  return true;
}

async function serveResource(
  request: IncomingMessage,
  response: ServerResponse,
  resource: ResourceRequest,
): Promise<void> {
  const method = request.method ?? "GET";
  switch (method) {
    case "GET":
      return sendJson(response, 200, resource.name ? getObject(resource) : listObjects(resource));
    case "POST":
      return sendJson(response, 201, createObject(resource, parseJson(await readBody(request))));
    case "PUT":
      return sendJson(response, 200, replaceObject(resource, parseJson(await readBody(request))));
    case "PATCH": {
      const existed =
        resource.name !== undefined &&
        resource.store.get(resource.type, resource.namespace, resource.name) !== undefined;
      const patched = patchObject(resource, request.headers["content-type"] ?? "", await readBody(request));
      // An apply that creates the object answers 201, as the API server does.
      return sendJson(response, existed ? 200 : 201, patched);
    }
    case "DELETE":
      return sendJson(response, 200, deleteObject(resource));
    default:
      return sendStatus(response, 405, "MethodNotAllowed", `${method} is not supported`);
  }
}

async function handle(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://sandbox");
  const method = request.method ?? "GET";
  state.requests[method] = (state.requests[method] ?? 0) + 1;
  state.options.onRequest?.(method, url.pathname, url.searchParams, request.headers["user-agent"] ?? "");
  if (await serveSandboxEndpoint(state, request, response, url.pathname)) return;
  const isWatch = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
  if (await injectFault(state, response, method, url.pathname, isWatch)) return;
  const target = route(state.types, url.pathname);
  if (!target)
    return sendStatus(
      response,
      404,
      "NotFound",
      `the server could not find the requested resource (${url.pathname})`,
    );
  if (target.kind === "json") return sendJson(response, 200, target.body);
  const { store, faults } = state;
  if (method === "GET" && isWatch && !target.name) {
    const bookmarkIntervalMs = state.options.bookmarkIntervalMs ?? 60_000;
    const matches = objectFilter(url.searchParams);
    return serveWatch({
      request,
      response,
      store,
      faults,
      type: target.type,
      namespace: target.namespace,
      matches,
      params: url.searchParams,
      bookmarkIntervalMs,
    });
  }
  const { type, namespace, name, subresource } = target;
  await serveResource(request, response, {
    store,
    type,
    namespace,
    name,
    subresource,
    params: url.searchParams,
    admission: state.options.admission,
    userAgent: request.headers["user-agent"] ?? "",
  });
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const types = options.resources ?? SANDBOX_RESOURCES;
  const store = new ObjectStore(options.historyLimit);
  const state: ServerState = { types, store, faults: new FaultInjector(), requests: {}, options };
  const deploymentType = types.find((type) => type.kind === "Deployment");
  const deployments =
    options.deploymentReadyDelayMs !== undefined && deploymentType
      ? simulateDeploymentStatus(store, deploymentType, options.deploymentReadyDelayMs)
      : undefined;
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      if (error instanceof ApiError)
        return sendStatus(response, error.code, error.reason, error.message, error.details);
      sendStatus(response, 500, "InternalError", error instanceof Error ? error.message : String(error));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    faults: state.faults,
    deployments,
    requests: state.requests,
    close: async () => {
      deployments?.stop();
      state.faults.clear();
      state.faults.dropWatches();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
