/**
 * The preflight's reader of a real cluster, on `@kubernetes/client-node`, with the kubeconfig the
 * Pulumi kubernetes provider uses: the stack's `kubernetes:kubeconfig` (a path or the file's
 * contents), else `KUBECONFIG`, else `~/.kube/config`, else the in-cluster service account; then
 * `kubernetes:context` and `kubernetes:cluster` when set. Only reads: discovery, one Namespace,
 * StorageClasses and APIServices.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import {
  ApiException,
  ApiregistrationV1Api,
  ApisApi,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  StorageV1Api,
  VersionApi,
} from "@kubernetes/client-node";
import type { Probe } from "./prerequisites.ts";
import type { ClusterReader } from "./run.ts";
import type { ProbeAnswer } from "./verdict.ts";

/** The provider settings that choose the cluster (`kubernetes:*` stack config). */
export interface ProviderKubeconfig {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
}

/** Reads `kubernetes:kubeconfig`, `kubernetes:context` and `kubernetes:cluster` from the engine's config map. */
export function providerKubeconfigFrom(config: Record<string, string>): ProviderKubeconfig {
  const value = (key: string) => {
    const text = config[`kubernetes:${key}`];
    return text === undefined || text === "" ? undefined : text;
  };
  return { kubeconfig: value("kubeconfig"), context: value("context"), cluster: value("cluster") };
}

export type LoadedKubeConfig = { kubeConfig: KubeConfig; source: string } | { unavailable: string };

function looksLikeContents(text: string): boolean {
  return text.includes("\n") || /^\s*[{]/.test(text) || /^\s*apiVersion\s*:/.test(text);
}

function expandHome(path: string, home: string): string {
  return path === "~" || path.startsWith("~/") ? join(home, path.slice(1)) : path;
}

function fromFiles(paths: readonly string[]): KubeConfig {
  const [first, ...rest] = paths;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(first as string);
  for (const path of rest) {
    const next = new KubeConfig();
    next.loadFromFile(path);
    // Like kubectl: the first file that sets current-context wins.
    kubeConfig.mergeConfig(next, kubeConfig.getCurrentContext() !== "");
  }
  return kubeConfig;
}

function baseKubeConfig(
  settings: ProviderKubeconfig,
  env: NodeJS.ProcessEnv,
  home: string,
): LoadedKubeConfig {
  if (settings.kubeconfig) {
    if (looksLikeContents(settings.kubeconfig)) {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(settings.kubeconfig);
      return { kubeConfig, source: "kubernetes:kubeconfig" };
    }
    const path = expandHome(settings.kubeconfig, home);
    if (!existsSync(path))
      return { unavailable: `kubernetes:kubeconfig names ${path}, which does not exist` };
    return { kubeConfig: fromFiles([path]), source: path };
  }
  if (env.KUBECONFIG) {
    const paths = env.KUBECONFIG.split(delimiter).filter((path) => path !== "");
    const existing = paths.filter((path) => existsSync(path));
    if (existing.length === 0)
      return { unavailable: `KUBECONFIG names no existing file (${env.KUBECONFIG})` };
    return { kubeConfig: fromFiles(existing), source: `KUBECONFIG=${env.KUBECONFIG}` };
  }
  const defaultPath = join(home, ".kube", "config");
  if (existsSync(defaultPath)) return { kubeConfig: fromFiles([defaultPath]), source: defaultPath };
  if (env.KUBERNETES_SERVICE_HOST) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromCluster();
    return { kubeConfig, source: "the in-cluster service account" };
  }
  return {
    unavailable:
      "no kubeconfig: kubernetes:kubeconfig is not set, KUBECONFIG is unset and ~/.kube/config does not exist",
  };
}

/** The kubeconfig the provider would use, or why there is none. */
export function loadProviderKubeConfig(
  settings: ProviderKubeconfig,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): LoadedKubeConfig {
  let loaded: LoadedKubeConfig;
  try {
    loaded = baseKubeConfig(settings, env, home);
  } catch (error) {
    return { unavailable: `the kubeconfig cannot be read: ${(error as Error).message}` };
  }
  if ("unavailable" in loaded) return loaded;
  const { kubeConfig } = loaded;
  if (settings.context) {
    const names = kubeConfig.getContexts().map((context) => context.name);
    if (!names.includes(settings.context)) {
      return {
        unavailable: `kubernetes:context "${settings.context}" is not in ${loaded.source} (contexts: ${names.join(", ") || "none"})`,
      };
    }
    kubeConfig.setCurrentContext(settings.context);
  }
  const current = kubeConfig.getCurrentContext();
  if (!kubeConfig.getContextObject(current)) {
    return { unavailable: `${loaded.source} has no current context: set kubernetes:context` };
  }
  if (settings.cluster) {
    if (!kubeConfig.getCluster(settings.cluster)) {
      return { unavailable: `kubernetes:cluster "${settings.cluster}" is not in ${loaded.source}` };
    }
    kubeConfig.contexts = kubeConfig.contexts.map((context) =>
      context.name === current ? { ...context, cluster: settings.cluster as string } : context,
    );
  }
  return loaded;
}

/** HTTP status of a client-node error, 0 for network errors and timeouts. */
function statusOf(error: unknown): number {
  return error instanceof ApiException ? error.code : 0;
}

/** A short reason: the API's Status message, or the network error's cause. */
export function reasonOf(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        return `HTTP ${error.code}: ${body}`;
      }
    }
    const message = (body as { message?: string } | undefined)?.message;
    return message ? `HTTP ${error.code}: ${message}` : `HTTP ${error.code}`;
  }
  const cause = (error as { cause?: { message?: string } } | undefined)?.cause?.message;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

class Timeout extends Error {}

/** Discovery of one group/version (`GET /apis/<group>/<version>`), which client-node keeps protected. */
class Discovery extends KubernetesObjectApi {
  served(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`no answer to ${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function unknownFrom(error: unknown): ProbeAnswer {
  const status = statusOf(error);
  const reason = reasonOf(error);
  return { state: "unknown", detail: status === 403 ? `no permission: ${reason}` : reason };
}

export interface KubeClusterReaderOptions {
  /** Per request. @default 10000 */
  timeoutMs?: number;
}

export class KubeClusterReader implements ClusterReader {
  readonly target: string;
  private readonly kubeConfig: KubeConfig;
  private readonly timeoutMs: number;
  private readonly discovery: Discovery;

  constructor(kubeConfig: KubeConfig, source: string, options: KubeClusterReaderOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const server = kubeConfig.getCurrentCluster()?.server ?? "(no server)";
    this.target = `context "${kubeConfig.getCurrentContext()}" at ${server} from ${source}`;
    this.discovery = kubeConfig.makeApiClient(Discovery);
  }

  private call<T>(what: string, request: () => Promise<T>): Promise<T> {
    return withTimeout(request(), this.timeoutMs, what);
  }

  async connect(): Promise<{ reachable: true; version?: string } | { reachable: false; reason: string }> {
    try {
      // Discovery needs an authenticated user, so rejected credentials show here, not as N unknowns.
      await this.call("GET /apis", () => this.kubeConfig.makeApiClient(ApisApi).getAPIVersions());
    } catch (error) {
      const status = statusOf(error);
      if (status === 403) return { reachable: true };
      if (status === 401) {
        return {
          reachable: false,
          reason: "the API server rejected the kubeconfig's credentials (HTTP 401 Unauthorized)",
        };
      }
      return { reachable: false, reason: reasonOf(error) };
    }
    try {
      const version = await this.call("GET /version", () =>
        this.kubeConfig.makeApiClient(VersionApi).getCode(),
      );
      return { reachable: true, version: version.gitVersion };
    } catch {
      return { reachable: true };
    }
  }

  async probe(probe: Probe): Promise<ProbeAnswer> {
    switch (probe.kind) {
      case "apiKind":
        return this.apiKind(probe.apiVersion, probe.resourceKind);
      case "namespace":
        return this.namespace(probe.name);
      case "storageClass":
        return this.storageClass(probe.name);
      case "apiService":
        return this.apiService(probe.names);
    }
  }

  private async apiKind(apiVersion: string, kind: string): Promise<ProbeAnswer> {
    try {
      const resource = await this.call(`discovery of ${apiVersion}`, () =>
        this.discovery.served(apiVersion, kind),
      );
      return resource
        ? { state: "present" }
        : { state: "missing", detail: `${apiVersion} is served without ${kind}` };
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return { state: "missing" };
      if (status === 503) return { state: "missing", detail: `${apiVersion} is registered but unavailable` };
      return unknownFrom(error);
    }
  }

  private async namespace(name: string): Promise<ProbeAnswer> {
    try {
      const namespace = await this.call(`namespace ${name}`, () =>
        this.kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name }),
      );
      return namespace.status?.phase === "Terminating"
        ? { state: "missing", detail: "it is being deleted" }
        : { state: "present" };
    } catch (error) {
      return statusOf(error) === 404 ? { state: "missing" } : unknownFrom(error);
    }
  }

  private async storageClass(name: string): Promise<ProbeAnswer> {
    const storage = this.kubeConfig.makeApiClient(StorageV1Api);
    try {
      await this.call(`StorageClass ${name}`, () => storage.readStorageClass({ name }));
      return { state: "present" };
    } catch (error) {
      if (statusOf(error) !== 404) return unknownFrom(error);
    }
    try {
      const list = await this.call("StorageClasses", () => storage.listStorageClass());
      const names = list.items.map((item) => item.metadata?.name ?? "").filter((item) => item !== "");
      return {
        state: "missing",
        detail: names.length > 0 ? `the cluster has ${names.join(", ")}` : "the cluster has none",
      };
    } catch {
      return { state: "missing" };
    }
  }

  /**
   * Registered and Available: present. Registered but not Available: present with a warning (the
   * adapter may be restarting; `up` itself does not need it). Not registered: missing.
   */
  private async apiService(names: readonly string[]): Promise<ProbeAnswer> {
    const registration = this.kubeConfig.makeApiClient(ApiregistrationV1Api);
    const unavailable: string[] = [];
    for (const name of names) {
      try {
        const service = await this.call(`APIService ${name}`, () => registration.readAPIService({ name }));
        const available = service.status?.conditions?.find((condition) => condition.type === "Available");
        if (available?.status === "True") return { state: "present" };
        const why = [available?.reason, available?.message].filter(Boolean).join(": ");
        unavailable.push(`${name} is registered but not Available${why ? ` (${why})` : ""}`);
      } catch (error) {
        if (statusOf(error) !== 404) return unknownFrom(error);
      }
    }
    return unavailable.length > 0
      ? {
          state: "present",
          warning: `${unavailable.join("; ")}: the HPAs cannot read these metrics until it is`,
        }
      : { state: "missing", detail: "not registered" };
  }
}

/** A reader for a stack whose kubeconfig cannot be loaded: it only says why. */
export class UnavailableClusterReader implements ClusterReader {
  readonly target = "(none configured)";
  private readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
  async connect(): Promise<{ reachable: false; reason: string }> {
    return { reachable: false, reason: this.reason };
  }
  async probe(): Promise<ProbeAnswer> {
    return { state: "unknown", detail: this.reason };
  }
}

/** The reader of the cluster these provider settings point at. */
export function clusterReaderFor(
  settings: ProviderKubeconfig,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): ClusterReader {
  const loaded = loadProviderKubeConfig(settings, env, home);
  return "unavailable" in loaded
    ? new UnavailableClusterReader(loaded.unavailable)
    : new KubeClusterReader(loaded.kubeConfig, loaded.source);
}
