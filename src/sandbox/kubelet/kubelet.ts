/**
 * The sandbox "kubelet": watches Deployments on the sandbox API and runs one sample agent
 * process per desired pod. A pod counts as ready only once its agent answers readiness AND, for
 * agents behind the gateway, HAProxy sees its slot up; then it joins Prometheus' targets and the
 * Deployment status reports it. Pods leave gracefully: out of HAProxy rotation first, then
 * SIGTERM (the agent fails readiness and finishes in-flight requests), then the slot is freed.
 */

import type { Track } from "../../contract/agentRollout.ts";
import { type Cluster, KINDS, type KubeObject, keyOf, parseKey } from "../../controller/kube/cluster.ts";
import {
  haproxyBackendName,
  SERVER_SLOTS_PER_TRACK,
  trackServerName,
} from "../../controller/traffic/haproxy/layout.ts";
import { type LaunchedAgent, launchAgent } from "../agent/launch.ts";
import type { HaproxyGateway } from "../infra/haproxy.ts";
import type { ProcessSupervisor } from "../infra/processes.ts";
import type { PrometheusServer, ScrapeTarget } from "../infra/prometheus.ts";
import { desiredReplicas, type PodSpecSummary, podSpecOf } from "./podSpec.ts";

export interface SandboxPod {
  name: string;
  spec: PodSpecSummary;
  agent: LaunchedAgent;
  /** HAProxy slot (1-based) for agents behind the gateway. */
  slot?: number;
}

export interface KubeletOptions {
  cluster: Cluster;
  supervisor: ProcessSupervisor;
  prometheus: PrometheusServer;
  gateway?: HaproxyGateway;
  namespaces: readonly string[];
  /** Extra env for every agent (e.g. SHUTDOWN_DELAY_MS). */
  agentEnv?: Record<string, string>;
  log?: (line: string) => void;
}

const RETRY_AFTER_FAILURE_MS = 2000;
/** Between a watch's end and the next list: the list covers the gap. */
const REWATCH_DELAY_MS = 100;

export class SandboxKubelet {
  readonly #options: KubeletOptions;
  readonly #pods = new Map<string, SandboxPod[]>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #latest = new Map<string, KubeObject | undefined>();
  readonly #watches = new Map<string, { stop(): void }>();
  #stopped = false;
  #podCounter = 0;

  constructor(options: KubeletOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    for (const namespace of this.#options.namespaces) await this.#watchNamespace(namespace);
  }

  /**
   * Lists and watches one namespace's Deployments, and does so again whenever the watch ends: the
   * API server ends every watch after its `timeoutSeconds` (5–10 min from the client), so without
   * this the kubelet stops seeing changes in longer runs. Deployments gone meanwhile are removed.
   */
  async #watchNamespace(namespace: string): Promise<void> {
    const list = await this.#options.cluster.list(KINDS.deployment, { namespace });
    const listed = new Set(list.items.map((deployment) => keyOf(deployment)));
    for (const deployment of list.items) this.#enqueue(keyOf(deployment), deployment);
    for (const [key, known] of this.#latest)
      if (known && parseKey(key).namespace === namespace && !listed.has(key)) this.#enqueue(key, undefined);
    const handle = await this.#options.cluster.watch(
      KINDS.deployment,
      { namespace, resourceVersion: list.resourceVersion },
      (event) => {
        if (event.type === "BOOKMARK") return;
        this.#enqueue(keyOf(event.object), event.type === "DELETED" ? undefined : event.object);
      },
    );
    this.#watches.set(namespace, handle);
    void handle.closed.then(() => setTimeout(() => this.#rewatch(namespace), REWATCH_DELAY_MS).unref());
  }

  #rewatch(namespace: string): void {
    if (this.#stopped) return;
    this.#watchNamespace(namespace).catch((error: unknown) => {
      this.#options.log?.(`kubelet: watch of ${namespace}: ${(error as Error).message}; retrying`);
      setTimeout(() => this.#rewatch(namespace), RETRY_AFTER_FAILURE_MS).unref();
    });
  }

  /** Running pods, optionally of one agent. */
  pods(agent?: string): SandboxPod[] {
    return [...this.#pods.values()].flat().filter((pod) => agent === undefined || pod.spec.agent === agent);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const watch of this.#watches.values()) watch.stop();
    await Promise.allSettled(this.#queues.values());
    await Promise.allSettled(this.pods().map((pod) => pod.agent.stop(5000)));
    this.#pods.clear();
  }

  /** Reconciles serially per Deployment, always against its newest version. */
  #enqueue(key: string, deployment: KubeObject | undefined): void {
    this.#latest.set(key, deployment);
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => (this.#stopped ? undefined : this.#reconcile(key)));
    this.#queues.set(
      key,
      next.catch((error: unknown) => {
        this.#options.log?.(`kubelet: ${key}: ${(error as Error).message}; retrying`);
        setTimeout(() => this.#enqueue(key, this.#latest.get(key)), RETRY_AFTER_FAILURE_MS).unref();
      }),
    );
  }

  async #reconcile(key: string): Promise<void> {
    const deployment = this.#latest.get(key);
    const pods = this.#pods.get(key) ?? [];
    const desired = deployment ? desiredReplicas(deployment) : 0;
    const spec = deployment ? podSpecOf(deployment) : undefined;
    const current = pods.filter((pod) => pod.spec.templateHash === spec?.templateHash);
    const stale = pods.filter((pod) => !current.includes(pod));
    // Surge first: new pods are up before old ones leave.
    const started = spec
      ? await Promise.all(
          Array.from({ length: Math.max(0, desired - current.length) }, () => this.#startPod(spec)),
        )
      : [];
    const keep = [...current, ...started].slice(0, desired);
    const leaving = [...stale, ...[...current, ...started].slice(desired)];
    this.#pods.set(key, keep);
    await this.#publishTargets();
    await Promise.all(leaving.map((pod) => this.#stopPod(pod)));
    await this.#publishTargets();
    if (deployment) await this.#reportStatus(deployment, keep.length);
    if (deployment && keep.length === 0 && desired === 0) this.#pods.delete(key);
    if (!deployment) this.#pods.delete(key);
  }

  async #startPod(spec: PodSpecSummary): Promise<SandboxPod> {
    this.#podCounter += 1;
    const name = `${spec.deployment}-${spec.templateHash.slice(0, 5)}-${this.#podCounter}`;
    const agent = await launchAgent(this.#options.supervisor, {
      namespace: spec.namespace,
      agent: spec.agent,
      track: spec.track,
      pod: name,
      version: spec.version,
      env: { ...spec.env, ...this.#options.agentEnv },
    });
    const pod: SandboxPod = { name, spec, agent };
    try {
      pod.slot = await this.#joinGateway(pod);
    } catch (error) {
      await agent.stop(2000);
      throw error;
    }
    this.#options.log?.(`kubelet: started ${spec.namespace}/${name} (${spec.version}, ${spec.track})`);
    return pod;
  }

  #backendOf(spec: PodSpecSummary): string | undefined {
    const gateway = this.#options.gateway;
    const backend = haproxyBackendName(spec.namespace, spec.agent);
    return gateway?.frontends.some((frontend) => frontend.backend === backend) ? backend : undefined;
  }

  async #joinGateway(pod: SandboxPod): Promise<number | undefined> {
    const backend = this.#backendOf(pod.spec);
    const runtime = this.#options.gateway?.runtime;
    if (!backend || !runtime || (pod.spec.track !== "blue" && pod.spec.track !== "green")) return undefined;
    const used = new Set(
      this.pods()
        .filter((other) => other.spec.agent === pod.spec.agent && other.spec.track === pod.spec.track)
        .map((other) => other.slot),
    );
    const slot = Array.from({ length: SERVER_SLOTS_PER_TRACK }, (_, index) => index + 1).find(
      (index) => !used.has(index),
    );
    if (slot === undefined) throw new Error(`no free ${pod.spec.track} slot for ${pod.spec.agent}`);
    const server = trackServerName(pod.spec.track as Track, slot);
    await runtime.setServerAddress(backend, server, "127.0.0.1", pod.agent.ports.http);
    await runtime.setServerState(backend, server, "ready");
    await runtime.waitForServer(backend, server, (state) => state.operational === "running");
    return slot;
  }

  async #stopPod(pod: SandboxPod): Promise<void> {
    const backend = this.#backendOf(pod.spec);
    const runtime = this.#options.gateway?.runtime;
    const server = pod.slot ? trackServerName(pod.spec.track as Track, pod.slot) : undefined;
    if (backend && runtime && server) await runtime.setServerState(backend, server, "drain");
    await pod.agent.stop(10_000);
    if (backend && runtime && server) {
      await runtime.setServerState(backend, server, "maint");
      await runtime.setServerWeight(backend, server, 0);
    }
    this.#options.log?.(`kubelet: stopped ${pod.spec.namespace}/${pod.name}`);
  }

  async #publishTargets(): Promise<void> {
    const targets: ScrapeTarget[] = this.pods().map((pod) => ({
      address: pod.agent.address,
      labels: { namespace: pod.spec.namespace, agent: pod.spec.agent, track: pod.spec.track, pod: pod.name },
    }));
    await this.#options.prometheus.setTargets(targets);
  }

  async #reportStatus(deployment: KubeObject, ready: number): Promise<void> {
    const status = {
      observedGeneration: deployment.metadata.generation ?? 1,
      replicas: ready,
      updatedReplicas: ready,
      readyReplicas: ready,
      availableReplicas: ready,
    };
    // Our own status write comes back as a watch event: writing only changes ends the echo.
    const current = (deployment.status ?? {}) as Record<string, unknown>;
    if (Object.entries(status).every(([field, value]) => current[field] === value)) return;
    await this.#options.cluster.patchStatus(KINDS.deployment, parseKey(keyOf(deployment)), status);
  }
}
