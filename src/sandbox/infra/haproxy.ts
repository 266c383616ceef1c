/**
 * HAProxy as the sandbox gateway, laid out by `gateway/naming.ts`: per HTTP agent a frontend on a
 * free loopback port and a backend with `SERVER_SLOTS_PER_TRACK` slots per track, all disabled
 * with weight 0 until the kubelet fills them and the traffic router weights them. Health checks
 * hit `/health/readiness` every 500 ms; a request whose connection fails or comes back empty (a
 * pod going away) is retried on another server, so a drain or switch loses no requests. Agent
 * 5xx answers are never retried: they are the failures analysis must see.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TRACKS } from "../../contract/agentRollout.ts";
import { haproxyBackendName, SERVER_SLOTS_PER_TRACK } from "../../controller/traffic/haproxy/layout.ts";
import { HaproxyRuntime } from "../../controller/traffic/haproxy/runtime.ts";
import { freePort, LOOPBACK } from "./ports.ts";
import type { ProcessSupervisor, SupervisedProcess } from "./processes.ts";

export const HAPROXY_BINARY = "/usr/sbin/haproxy";

export interface GatewayAgent {
  namespace: string;
  agent: string;
}

export interface HaproxyFrontend extends GatewayAgent {
  /** Backend and frontend name, `haproxyBackendName(namespace, agent)`. */
  backend: string;
  port: number;
}

export interface HaproxyConfigSpec {
  statsPort: number;
  frontends: readonly HaproxyFrontend[];
  /** Health check interval. @default 500 */
  checkIntervalMs?: number;
}

function backendSection(backend: string, checkIntervalMs: number): string[] {
  const fast = Math.max(100, Math.round(checkIntervalMs / 2));
  return [
    `backend ${backend}`,
    "  balance roundrobin",
    "  option httpchk GET /health/readiness",
    "  http-check expect status 200",
    `  default-server check inter ${checkIntervalMs}ms fastinter ${fast}ms downinter ${checkIntervalMs}ms rise 1 fall 2 weight 0`,
    // Which slot answered: for debugging and tests (the agent itself names track and version).
    "  http-response set-header x-gateway-server %s",
    ...TRACKS.map((track) => `  server-template ${track} 1-${SERVER_SLOTS_PER_TRACK} ${LOOPBACK}:1 disabled`),
    "",
  ];
}

/** The whole configuration file. Pure. */
export function renderHaproxyConfig(spec: HaproxyConfigSpec): string {
  const checkIntervalMs = spec.checkIntervalMs ?? 500;
  const lines = [
    "global",
    "  log stdout format raw local0 notice",
    `  stats socket ipv4@${LOOPBACK}:${spec.statsPort} level admin`,
    "  maxconn 4096",
    "",
    "defaults",
    "  mode http",
    "  log global",
    "  timeout connect 1s",
    "  timeout client 60s",
    // Agents may be made slow on purpose (up to 30 s per record).
    "  timeout server 60s",
    "  timeout queue 5s",
    "  timeout check 1s",
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure empty-response junk-response",
    "",
  ];
  for (const frontend of spec.frontends) {
    lines.push(
      `frontend ${frontend.backend}`,
      `  bind ${LOOPBACK}:${frontend.port}`,
      `  default_backend ${frontend.backend}`,
      "",
      ...backendSection(frontend.backend, checkIntervalMs),
    );
  }
  return lines.join("\n");
}

export interface HaproxyGateway {
  runtime: HaproxyRuntime;
  frontends: readonly HaproxyFrontend[];
  configFile: string;
  process: SupervisedProcess;
  /** `http://127.0.0.1:<port>` of an agent's frontend. */
  frontendUrl(namespace: string, agent: string): string;
  stop(): Promise<void>;
}

export interface StartHaproxyOptions {
  /** HTTP agents to route; gRPC agents have no gateway. */
  agents: readonly GatewayAgent[];
  checkIntervalMs?: number;
  /** @default 15000 */
  readyTimeoutMs?: number;
}

async function waitForRuntime(
  runtime: HaproxyRuntime,
  child: SupervisedProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitInfo()) throw new Error(`haproxy exited at start:\n${await child.logTail()}`);
    try {
      if ((await runtime.command("show info")).includes("Name: HAProxy")) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(50);
  }
  throw new Error(`haproxy runtime API not up after ${timeoutMs} ms (${last}):\n${await child.logTail()}`);
}

export async function startHaproxy(
  supervisor: ProcessSupervisor,
  options: StartHaproxyOptions,
): Promise<HaproxyGateway> {
  const statsPort = await freePort();
  const frontends: HaproxyFrontend[] = [];
  for (const { namespace, agent } of options.agents) {
    frontends.push({
      namespace,
      agent,
      backend: haproxyBackendName(namespace, agent),
      port: await freePort(),
    });
  }
  const configFile = join(supervisor.dir("haproxy"), "haproxy.cfg");
  const spec: HaproxyConfigSpec = { statsPort, frontends };
  if (options.checkIntervalMs !== undefined) spec.checkIntervalMs = options.checkIntervalMs;
  await writeFile(configFile, renderHaproxyConfig(spec));
  // -db: stay in the foreground, so the supervisor owns the process.
  const child = supervisor.spawn("haproxy", HAPROXY_BINARY, ["-db", "-f", configFile]);
  const runtime = new HaproxyRuntime(LOOPBACK, statsPort);
  await waitForRuntime(runtime, child, options.readyTimeoutMs ?? 15_000);
  return {
    runtime,
    frontends,
    configFile,
    process: child,
    frontendUrl: (namespace, agent) => {
      const backend = haproxyBackendName(namespace, agent);
      const frontend = frontends.find((candidate) => candidate.backend === backend);
      if (!frontend) throw new Error(`no HAProxy frontend for ${namespace}/${agent}`);
      return `http://${LOOPBACK}:${frontend.port}`;
    },
    stop: async () => {
      await child.stop();
    },
  };
}
