/**
 * The local sandbox: the dev stack rendered exactly as for a cluster, applied to the sandbox
 * Kubernetes API, and run for real on this machine — a sample agent process per pod (the
 * sandbox kubelet), HAProxy as the gateway, Prometheus scraping the agents and evaluating the
 * generated rules, Alertmanager with the generated routing (receivers redirected to a local
 * webhook sink), and the real rollout controller in its own process. Loopback only.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { type FleetConfig, loadStack } from "../config/index.ts";
import { ClientNodeCluster, kubeConfigForServer } from "../controller/kube/clientNodeCluster.ts";
import { type Cluster, KINDS, type KubeObject } from "../controller/kube/cluster.ts";
import type { AgentRolloutStatus } from "../crd/agentRollout.ts";
import { renderFleet } from "../manifests/fleet.ts";
import type { RenderedFleet } from "../manifests/types.ts";
import { type ControllerProcess, startController } from "./controllerProcess.ts";
import { type AlertmanagerServer, startAlertmanager } from "./infra/alertmanager.ts";
import { type HaproxyGateway, startHaproxy } from "./infra/haproxy.ts";
import { ProcessSupervisor } from "./infra/processes.ts";
import {
  type PrometheusServer,
  SANDBOX_SCRAPE_INTERVAL_SECONDS,
  startPrometheus,
} from "./infra/prometheus.ts";
import { startWebhookSink, type WebhookSink } from "./infra/webhookSink.ts";
import { type KubeApiServer, startKubeApiServer } from "./kube-api/server.ts";
import { SandboxKubelet } from "./kubelet/kubelet.ts";
import { sandboxFleet } from "./timeScale.ts";

export interface SandboxOptions {
  /** Stack whose rendered objects the sandbox runs. @default "dev" */
  stack?: string;
  /** A fleet to run instead of a stack file's, e.g. a benchmark's many copies of one agent. */
  fleet?: FleetConfig;
  /** Extra env for every agent process, e.g. `BASE_LATENCY_MS`. @default {} */
  agentEnv?: Record<string, string>;
  /** Release and alert timings run this many times faster. @default 10 */
  timeScale?: number;
  /** Pods per track of released agents (what an HPA would ask for). @default 2 */
  replicas?: number;
  log?: (line: string) => void;
  /** Let the caller own SIGINT/SIGTERM. @default false */
  handleSignals?: boolean;
}

export interface Sandbox {
  rendered: RenderedFleet;
  cluster: Cluster;
  kubeApi: KubeApiServer;
  prometheus: PrometheusServer;
  alertmanager: AlertmanagerServer;
  sink: WebhookSink;
  gateway: HaproxyGateway;
  kubelet: SandboxKubelet;
  controller: ControllerProcess;
  supervisor: ProcessSupervisor;
  namespaces: string[];
  /** Agents behind the gateway (HTTP agents with a route). */
  gatewayAgents: Array<{ namespace: string; agent: string }>;
  frontendUrl(agent: string): string;
  rollout(agent: string): Promise<{ object: KubeObject; status: AgentRolloutStatus }>;
  /** Puts a new version in the agent's AgentRollout (or Deployment) template, as `pulumi up` would. */
  release(agent: string, version: string): Promise<void>;
  /** Kills the controller (SIGKILL) and starts a fresh one. */
  restartController(options?: { crash?: boolean; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const APPLIED_KINDS = new Set(["Service", "Deployment", "AgentRollout", "HTTPRoute"]);

function namespaceOf(rendered: RenderedFleet, agent: string): string {
  const rollout = rendered.agents[agent]?.find(
    (object) => object.kind === "AgentRollout" || object.kind === "Deployment",
  );
  if (!rollout?.metadata.namespace) throw new Error(`no agent ${agent} in the rendered stack`);
  return rollout.metadata.namespace;
}

async function applyObjects(cluster: Cluster, rendered: RenderedFleet, replicas: number): Promise<void> {
  for (const object of Object.values(rendered.agents).flat()) {
    if (!APPLIED_KINDS.has(object.kind)) continue;
    // The HPA would set replicas through the scale subresource; here they are fixed.
    const spec = object.kind === "AgentRollout" ? { ...(object.spec as object), replicas } : object.spec;
    await cluster.create({ ...object, spec } as KubeObject);
  }
}

/** HTTP agents with a route that the controller releases: the ones behind the HAProxy gateway. */
function gatewayAgentsOf(fleet: FleetConfig): Array<{ namespace: string; agent: string }> {
  return fleet.agents
    .filter(
      (agent) => agent.protocol === "http" && agent.route !== undefined && agent.strategy.type !== "rolling",
    )
    .map((agent) => ({ namespace: agent.cluster, agent: agent.id }));
}

/** Alertmanager (receivers redirected to a local sink) and Prometheus with the generated rules. */
async function startMonitoring(supervisor: ProcessSupervisor, rendered: RenderedFleet) {
  const rulesFile = join(supervisor.dir("prometheus"), "rules.yaml");
  writeFileSync(rulesFile, stringify(rendered.prometheusRules));
  const sink = await startWebhookSink();
  try {
    const alertmanager = await startAlertmanager(supervisor, {
      config: rendered.alertmanagerConfig as never,
      sinkUrl: sink.url,
    });
    const prometheus = await startPrometheus(supervisor, {
      ruleFiles: [rulesFile],
      alertmanager: alertmanager.address,
    });
    return { sink, alertmanager, prometheus };
  } catch (error) {
    await sink.close();
    throw error;
  }
}

/** Puts a new version in the agent's AgentRollout (or Deployment) template, as `pulumi up` would. */
async function releaseVersion(
  cluster: Cluster,
  rendered: RenderedFleet,
  agent: string,
  version: string,
  log: (line: string) => void,
): Promise<void> {
  const namespace = namespaceOf(rendered, agent);
  const kind = rendered.agents[agent]?.some((object) => object.kind === "AgentRollout")
    ? KINDS.agentRollout
    : KINDS.deployment;
  const object = await cluster.get(kind, { namespace, name: agent });
  if (!object) throw new Error(`${kind.kind} ${agent} not found`);
  const template = structuredClone((object.spec as { template: Record<string, unknown> }).template) as {
    spec: { containers: Array<{ image: string }> };
  };
  const container = template.spec.containers[0];
  if (!container) throw new Error(`${kind.kind} ${agent} has no container`);
  container.image = `${container.image.replace(/[:@].*$/, "")}:${version}`;
  await cluster.patch(kind, { namespace, name: agent }, { spec: { template } });
  log(`release: ${agent} → ${version}`);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const fleet = options.fleet ?? loadStack(options.stack ?? "dev").fleet;
  const rendered = renderFleet(sandboxFleet(fleet, options.timeScale ?? 10, SANDBOX_SCRAPE_INTERVAL_SECONDS));
  const supervisor = await ProcessSupervisor.create({
    prefix: "agent-fleet-sandbox-",
    handleSignals: options.handleSignals ?? false,
  });
  // In-process parts, stopped around the supervised processes (agents first, servers last).
  let kubelet: SandboxKubelet | undefined;
  let kubeApi: KubeApiServer | undefined;
  let sink: WebhookSink | undefined;
  const stopAll = async () => {
    await kubelet?.stop();
    await supervisor.stop();
    await kubeApi?.close();
    await sink?.close();
  };
  try {
    const namespaces = fleet.clusters.map((cluster) => cluster.name);
    const gatewayAgents = gatewayAgentsOf(fleet);
    const monitoring = await startMonitoring(supervisor, rendered);
    sink = monitoring.sink;
    const { alertmanager, prometheus } = monitoring;
    const gateway = await startHaproxy(supervisor, { agents: gatewayAgents });
    kubeApi = await startKubeApiServer();
    const cluster = new ClientNodeCluster(kubeConfigForServer(kubeApi.url));
    await applyObjects(cluster, rendered, options.replicas ?? 2);
    kubelet = new SandboxKubelet({
      cluster,
      supervisor,
      prometheus,
      gateway,
      namespaces,
      log,
      ...(options.agentEnv ? { agentEnv: options.agentEnv } : {}),
    });
    await kubelet.start();
    const controllerOptions = {
      kubeApiUrl: kubeApi.url,
      prometheusUrl: prometheus.url,
      haproxyAddress: `${gateway.runtime.host}:${gateway.runtime.port}`,
      namespaces,
    };
    let controller = await startController(supervisor, controllerOptions);
    let restarts = 0;
    const sandbox: Sandbox = {
      rendered,
      cluster,
      kubeApi,
      prometheus,
      alertmanager,
      sink,
      gateway,
      kubelet,
      get controller() {
        return controller;
      },
      supervisor,
      namespaces,
      gatewayAgents,
      frontendUrl: (agent) => gateway.frontendUrl(namespaceOf(rendered, agent), agent),
      async rollout(agent) {
        const object = await cluster.get(KINDS.agentRollout, {
          namespace: namespaceOf(rendered, agent),
          name: agent,
        });
        if (!object) throw new Error(`AgentRollout ${agent} not found`);
        return { object, status: (object.status ?? {}) as AgentRolloutStatus };
      },
      release: (agent, version) => releaseVersion(cluster, rendered, agent, version, log),
      async restartController({ crash = true, downMs = 2000 } = {}) {
        await (crash ? controller.kill() : controller.stop());
        await new Promise((resolve) => setTimeout(resolve, downMs));
        restarts += 1;
        controller = await startController(supervisor, {
          ...controllerOptions,
          name: `controller-${restarts + 1}`,
        });
      },
      stop: stopAll,
    };
    return sandbox;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
