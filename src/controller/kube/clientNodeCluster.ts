/**
 * The real `Cluster` adapter on `@kubernetes/client-node` v2: `KubernetesObjectApi` for the main
 * resources (answers kept as plain JSON), `CustomObjectsApi` for the AgentRollout status and scale
 * subresources, `Watch` for watch streams. Every call but a watch has a timeout (a watch asks the
 * server to end it, see `watchTimeoutSeconds`); transient failures (5xx, 429,
 * connection errors) are retried with exponential backoff and jitter; 409 is never retried here
 * (the caller re-reads and decides again).
 */
import {
  ApiException,
  CustomObjectsApi,
  createConfiguration,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  type Middleware,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
import { ROLLOUT_CONTROLLER } from "../../contract/controller.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "../resilience/retry.ts";
import {
  type Cluster,
  type Kind,
  type KubeObject,
  type ListOptions,
  type ObjectKey,
  type ObjectList,
  scaleBody,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions,
} from "./cluster.ts";
import { isTransient, KubeApiError } from "./errors.ts";

/**
 * A KubeConfig that reuses one connection pool. client-node 2.0 builds a new undici Agent for
 * every request whenever TLS options exist (always in a pod: the cluster CA), and each Agent
 * keeps its own keep-alive socket: thousands of sockets and hundreds of MiB under load
 * (kubernetes-client/javascript#2893). The dispatcher only carries TLS material (tokens are
 * headers), so one is shared; it is rebuilt every few minutes to pick up rotated client certs.
 */
type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

export class PooledKubeConfig extends KubeConfig {
  private shared: { dispatcher: Dispatcher; until: number } | undefined;
  private static readonly REFRESH_MS = 5 * 60 * 1000;

  static from(source: KubeConfig): PooledKubeConfig {
    if (source instanceof PooledKubeConfig) return source;
    const pooled = new PooledKubeConfig();
    pooled.loadFromOptions({
      clusters: source.clusters,
      users: source.users,
      contexts: source.contexts,
      currentContext: source.currentContext,
    });
    return pooled;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const created = context.getDispatcher();
    if (!created) return;
    const now = Date.now();
    if (!this.shared || now > this.shared.until) {
      const previous = this.shared?.dispatcher;
      this.shared = { dispatcher: created, until: now + PooledKubeConfig.REFRESH_MS };
      // Let in-flight requests finish on the old pool, then close its sockets.
      if (previous) void previous.close().catch(() => {});
    }
    context.setDispatcher(this.shared.dispatcher);
  }
}

/** `KubernetesObjectApi` that hands back the JSON as sent instead of generated model classes. */
class PlainObjectApi extends KubernetesObjectApi {
  protected override async processResponse<T>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    const body: unknown = text ? JSON.parse(text) : {};
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return body as T;
    throw new ApiException(response.httpStatusCode, "Unsuccessful HTTP Request", body, response.headers);
  }
}

function requestMiddleware(timeoutMs: number, userAgent: string): Middleware {
  return {
    pre: async (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      context.setHeaderParam("User-Agent", userAgent);
      return context;
    },
    post: async (response: ResponseContext) => response,
  };
}

/**
 * client-node's `Watch` aborts a stream after 30 s without data (its private `requestTimeoutMs`,
 * reset on every chunk). The API server sends bookmarks only about once a minute, so a quiet
 * watch died every 30 s ("request timed out"). The limit is raised past the server's own end of
 * the watch; a test fails if the library stops honouring this.
 */
export function setWatchIdleLimit(watcher: Watch, idleMs: number): void {
  const internals = watcher as unknown as { requestTimeoutMs?: number };
  if (typeof internals.requestTimeoutMs !== "number")
    throw new Error(
      "@kubernetes/client-node Watch no longer has requestTimeoutMs: revisit setWatchIdleLimit",
    );
  internals.requestTimeoutMs = idleMs;
}

/** Generated patch calls default to JSON patch; status writes here are JSON merge patches. */
const MERGE_PATCH_OPTIONS = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

function statusBody(body: unknown): { reason?: string; message?: string } {
  if (typeof body === "string") {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return { message: body };
    }
  }
  return typeof body === "object" && body ? body : {};
}

function toKubeError(error: unknown): unknown {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const body = statusBody(error.body);
    return new KubeApiError(error.code, body.reason ?? "Unknown", body.message ?? `HTTP ${error.code}`);
  }
  const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (error instanceof Error && typeof statusCode === "number") {
    // A watch answered with an HTTP error status instead of a stream (410 included).
    const reason = statusCode === 410 ? "Expired" : statusCode === 403 ? "Forbidden" : error.message;
    return new KubeApiError(statusCode, reason, `watch refused: HTTP ${statusCode} ${error.message}`);
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new KubeApiError(0, "Timeout", `request timed out: ${error.message}`);
  }
  if (error instanceof TypeError || (error as { code?: string })?.code === "ECONNREFUSED") {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return new KubeApiError(0, "Unreachable", `API server unreachable: ${cause ?? (error as Error).message}`);
  }
  return error;
}

export interface ClientNodeClusterOptions {
  /** @default 10000 */
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Recorded by the API server as the writer of every change. @default ROLLOUT_CONTROLLER */
  fieldManager?: string;
  /**
   * Each watch asks the server to end it after this long plus a random share of as much again
   * (client-go's reflector does the same), so replicas do not re-watch in step; the informer
   * resumes from the last resourceVersion. @default 300
   */
  watchTimeoutSeconds?: number;
  /**
   * A watch the server has not ended this long after its own deadline is presumed dead (a
   * half-open connection) and fails. It is the only client-side limit on a watch: the request
   * timeout does not apply, and client-node's 30 s inactivity limit is replaced by it, since the
   * API server may stay silent for a minute between bookmarks. @default 30
   */
  watchGraceSeconds?: number;
  /** Sent as User-Agent (API audit logs show who called). @default ROLLOUT_CONTROLLER */
  userAgent?: string;
  onRetry?: (error: unknown, attempt: number) => void;
}

// The library types timestamps as Date; on the wire (and with PlainObjectApi) they stay strings.
function wire(object: KubeObject): KubernetesObject {
  return object as unknown as KubernetesObject;
}

function plain(object: Promise<KubernetesObject>): Promise<KubeObject> {
  return object as unknown as Promise<KubeObject>;
}

function apiPrefix(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class ClientNodeCluster implements Cluster {
  private readonly objects: PlainObjectApi;
  private readonly customObjects: CustomObjectsApi;
  private readonly kubeConfig: KubeConfig;
  private readonly options: Required<Omit<ClientNodeClusterOptions, "onRetry">> &
    Pick<ClientNodeClusterOptions, "onRetry">;

  constructor(source: KubeConfig, options: ClientNodeClusterOptions = {}) {
    const kubeConfig = PooledKubeConfig.from(source);
    this.kubeConfig = kubeConfig;
    this.options = {
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      retry: options.retry ?? DEFAULT_RETRY,
      fieldManager: options.fieldManager ?? ROLLOUT_CONTROLLER,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
      watchGraceSeconds: options.watchGraceSeconds ?? 30,
      userAgent: options.userAgent ?? ROLLOUT_CONTROLLER,
      onRetry: options.onRetry,
    };
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error("the kubeconfig has no current cluster");
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [requestMiddleware(this.options.requestTimeoutMs, this.options.userAgent)],
    });
    this.objects = new PlainObjectApi(configuration);
    this.customObjects = new CustomObjectsApi(configuration);
  }

  private call<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await operation();
        } catch (error) {
          throw toKubeError(error);
        }
      },
      this.options.retry,
      { retryable: isTransient, onRetry: (error, attempt) => this.options.onRetry?.(error, attempt) },
    );
  }

  async get(kind: Kind, key: ObjectKey): Promise<KubeObject | undefined> {
    const header = { apiVersion: kind.apiVersion, kind: kind.kind, metadata: key };
    try {
      return await this.call(() => plain(this.objects.read(header)));
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async list(kind: Kind, options: ListOptions): Promise<ObjectList> {
    const list = await this.call(() =>
      this.objects.list(
        kind.apiVersion,
        kind.kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
      ),
    );
    const items = (list.items ?? []).map(
      (item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }) as unknown as KubeObject,
    );
    return { items, resourceVersion: list.metadata?.resourceVersion ?? "" };
  }

  create(object: KubeObject): Promise<KubeObject> {
    return this.call(() =>
      plain(this.objects.create(wire(object), undefined, undefined, this.options.fieldManager)),
    );
  }

  replace(object: KubeObject): Promise<KubeObject> {
    return this.call(() =>
      plain(this.objects.replace(wire(object), undefined, undefined, this.options.fieldManager)),
    );
  }

  patch(kind: Kind, key: ObjectKey, patch: Record<string, unknown>): Promise<KubeObject> {
    const body = {
      ...patch,
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { ...(patch.metadata as object), ...key },
    };
    return this.call(() =>
      plain(
        this.objects.patch(
          wire(body as KubeObject),
          undefined,
          undefined,
          this.options.fieldManager,
          undefined,
          PatchStrategy.MergePatch,
        ),
      ),
    );
  }

  apply(object: KubeObject, options: { force?: boolean } = {}): Promise<KubeObject> {
    return this.call(() =>
      plain(
        this.objects.patch(
          wire(object),
          undefined,
          undefined,
          this.options.fieldManager,
          options.force,
          PatchStrategy.ServerSideApply,
        ),
      ),
    );
  }

  patchStatus(
    kind: Kind,
    key: ObjectKey,
    status: Record<string, unknown>,
    resourceVersion?: string,
  ): Promise<KubeObject> {
    const [group = "", version = ""] = kind.apiVersion.split("/");
    const body = { status, ...(resourceVersion ? { metadata: { resourceVersion } } : {}) };
    return this.call(
      () =>
        this.customObjects.patchNamespacedCustomObjectStatus(
          {
            group,
            version,
            namespace: key.namespace,
            plural: kind.plural,
            name: key.name,
            body,
            fieldManager: this.options.fieldManager,
          },
          MERGE_PATCH_OPTIONS,
        ) as Promise<KubeObject>,
    );
  }

  replaceScale(kind: Kind, key: ObjectKey, replicas: number, resourceVersion?: string): Promise<KubeObject> {
    const [group = "", version = ""] = kind.apiVersion.split("/");
    const body = scaleBody(key, replicas, resourceVersion);
    return this.call(
      () =>
        this.customObjects.replaceNamespacedCustomObjectScale({
          group,
          version,
          namespace: key.namespace,
          plural: kind.plural,
          name: key.name,
          body,
          fieldManager: this.options.fieldManager,
        }) as Promise<KubeObject>,
    );
  }

  async watch(kind: Kind, options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<WatchHandle> {
    const path = `${apiPrefix(kind.apiVersion)}${options.namespace ? `/namespaces/${options.namespace}` : ""}/${kind.plural}`;
    let settle: (error: Error | undefined) => void = () => {};
    const closed = new Promise<Error | undefined>((resolve) => {
      settle = resolve;
    });
    const timeoutSeconds = Math.round(this.options.watchTimeoutSeconds * (1 + Math.random()));
    const params = {
      resourceVersion: options.resourceVersion,
      labelSelector: options.labelSelector,
      allowWatchBookmarks: true,
      timeoutSeconds,
    };
    const onObject = (type: string, object: KubeObject) => {
      if (type === "ERROR") {
        const status = object as unknown as { code?: number; reason?: string; message?: string };
        settle(
          new KubeApiError(status.code ?? 500, status.reason ?? "Unknown", status.message ?? "watch error"),
        );
        return;
      }
      onEvent({ type: type as WatchEvent["type"], object });
    };
    let stopped = false;
    const done = (error: unknown) => settle(error && !stopped ? (toKubeError(error) as Error) : undefined);
    const watcher = new Watch(this.kubeConfig);
    setWatchIdleLimit(watcher, (timeoutSeconds + this.options.watchGraceSeconds) * 1000);
    const controller = await watcher.watch(path, params, onObject, done);
    const stop = () => {
      stopped = true;
      controller.abort();
      settle(undefined);
    };
    return { stop, closed };
  }
}

/** A kubeconfig for a plain-HTTP API server URL (the sandbox API), without credentials. */
export function kubeConfigForServer(server: string, namespace = "default"): KubeConfig {
  const kubeConfig = new PooledKubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "sandbox", server, skipTLSVerify: true }],
    users: [{ name: "sandbox" }],
    contexts: [{ name: "sandbox", cluster: "sandbox", user: "sandbox", namespace }],
    currentContext: "sandbox",
  });
  return kubeConfig;
}

/** In a pod: the service account; elsewhere: $KUBECONFIG or ~/.kube/config. */
/** Where the kubeconfig comes from, as kubectl's `--kubeconfig` and `--context` say. */
export interface KubeConfigSource {
  /** A kubeconfig file instead of `$KUBECONFIG` / `~/.kube/config` / in-cluster. */
  kubeconfig?: string;
  /** A context of that kubeconfig instead of its current one. */
  context?: string;
}

export function loadKubeConfig(server?: string, source: KubeConfigSource = {}): KubeConfig {
  if (server) return kubeConfigForServer(server);
  const kubeConfig = new PooledKubeConfig();
  if (source.kubeconfig) kubeConfig.loadFromFile(source.kubeconfig);
  else kubeConfig.loadFromDefault();
  if (source.context) {
    if (!kubeConfig.getContextObject(source.context)) {
      const known = kubeConfig.getContexts().map((context) => context.name);
      throw new Error(
        `context ${JSON.stringify(source.context)} is not in the kubeconfig (contexts: ${known.join(", ") || "none"})`,
      );
    }
    kubeConfig.setCurrentContext(source.context);
  }
  return kubeConfig;
}

/** The namespace the kubeconfig's current context names, as kubectl defaults `-n` to it. */
export function contextNamespace(kubeConfig: KubeConfig): string | undefined {
  return kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace || undefined;
}
