/**
 * Starts a sample agent process for one pod: free loopback ports, the pod's env (what the pod
 * template and the downward API would give it), and optionally a wait for readiness. Runs on the
 * parent's Node (≥ 22) with tsx loaded as an import hook, so no extra `tsx` wrapper process sits
 * between the supervisor and the agent and SIGTERM reaches the agent directly.
 */
import { fileURLToPath } from "node:url";
import { HEALTH_PATHS } from "../../contract/ports.ts";
import { freePort, LOOPBACK } from "../infra/ports.ts";
import {
  type ExitInfo,
  type ProcessSupervisor,
  type SupervisedProcess,
  waitForUrl,
} from "../infra/processes.ts";
import type { AgentPorts } from "./settings.ts";

export interface AgentLaunchSpec {
  namespace: string;
  agent: string;
  track: string;
  pod: string;
  version: string;
  environment?: string;
  throughputTarget?: number;
  maxConcurrentStreams?: number;
  /** Becomes `DATA_CONFIG_<KEY>`. */
  dataConfig?: Record<string, string>;
  /** Anything else, e.g. `FAULT_ERROR_RATE`, `SHUTDOWN_DELAY_MS`, `BASE_LATENCY_MS`. */
  env?: Record<string, string>;
}

export interface LaunchedAgent {
  spec: AgentLaunchSpec;
  ports: AgentPorts;
  /** `http://127.0.0.1:<http-metrics>`: records, `/metrics`, health. */
  url: string;
  /** `127.0.0.1:<http-metrics>`, the scrape and gateway address. */
  address: string;
  process: SupervisedProcess;
  /** SIGTERM (graceful: readiness fails, in-flight requests finish), SIGKILL after the timeout. */
  stop(timeoutMs?: number): Promise<ExitInfo>;
}

export interface LaunchOptions {
  /** Wait until `/health/readiness` answers 200. @default true */
  waitReady?: boolean;
  /** @default 20000 */
  readyTimeoutMs?: number;
}

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Command line running the agent entry on this Node with tsx's loader. */
export function agentCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", import.meta.resolve("tsx"), MAIN] };
}

function envOf(spec: AgentLaunchSpec, ports: AgentPorts): Record<string, string> {
  const dataConfig = Object.entries(spec.dataConfig ?? {}).map(([key, value]) => [
    `DATA_CONFIG_${key.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`,
    value,
  ]);
  return {
    AGENT_ID: spec.agent,
    ENVIRONMENT: spec.environment ?? "dev",
    AGENT_VERSION: spec.version,
    TRACK: spec.track,
    POD_NAME: spec.pod,
    NAMESPACE: spec.namespace,
    DATA_THROUGHPUT_TARGET: String(spec.throughputTarget ?? 10_000),
    MAX_CONCURRENT_STREAMS: String(spec.maxConcurrentStreams ?? 16),
    HTTP_PORT: String(ports.http),
    GRPC_PORT: String(ports.grpc),
    ADMIN_PORT: String(ports.admin),
    ...Object.fromEntries(dataConfig),
    ...spec.env,
  };
}

export async function launchAgent(
  supervisor: ProcessSupervisor,
  spec: AgentLaunchSpec,
  options: LaunchOptions = {},
): Promise<LaunchedAgent> {
  const ports: AgentPorts = { http: await freePort(), grpc: await freePort(), admin: await freePort() };
  const { command, args } = agentCommand();
  // Fault env of the parent must not leak into an agent whose spec does not ask for it.
  const cleared = Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => key.startsWith("FAULT_") || key.startsWith("DATA_CONFIG_"))
      .map((key) => [key, undefined]),
  );
  const child = supervisor.spawn(`agent-${spec.namespace}-${spec.pod}`, command, args, {
    env: { ...cleared, ...envOf(spec, ports) },
  });
  const url = `http://${LOOPBACK}:${ports.http}`;
  if (options.waitReady ?? true) {
    await waitForUrl(`${url}${HEALTH_PATHS.readiness}`, {
      process: child,
      timeoutMs: options.readyTimeoutMs ?? 20_000,
    });
  }
  return {
    spec,
    ports,
    url,
    address: `${LOOPBACK}:${ports.http}`,
    process: child,
    stop: (timeoutMs = 10_000) => child.stop({ timeoutMs }),
  };
}
