/**
 * Runs the real rollout controller (src/controller/main.ts) as its own process against the
 * sandbox: the sandbox API instead of a cluster, the sandbox Prometheus, and HAProxy's runtime
 * API as the gateway router. Short lease timings so a restart or failover takes seconds.
 */
import { fileURLToPath } from "node:url";
import { freePort, LOOPBACK } from "./infra/ports.ts";
import { type ProcessSupervisor, type SupervisedProcess, waitForUrl } from "./infra/processes.ts";

const MAIN = fileURLToPath(new URL("../controller/main.ts", import.meta.url));

export interface ControllerProcessOptions {
  kubeApiUrl: string;
  prometheusUrl: string;
  haproxyAddress?: string;
  namespaces: readonly string[];
  /** Distinguishes replicas (leader election identity, log name). @default "controller-1" */
  name?: string;
}

export interface ControllerProcess {
  name: string;
  opsUrl: string;
  process: SupervisedProcess;
  /** Graceful stop: hands the lease over. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, the lease is left to expire. */
  kill(): Promise<void>;
}

export async function startController(
  supervisor: ProcessSupervisor,
  options: ControllerProcessOptions,
): Promise<ControllerProcess> {
  const name = options.name ?? "controller-1";
  const opsPort = await freePort();
  const env: Record<string, string> = {
    KUBE_API_SERVER: options.kubeApiUrl,
    WATCH_NAMESPACES: options.namespaces.join(","),
    POD_NAME: name,
    LEADER_ELECTION: "true",
    LEASE_DURATION_SECONDS: "4",
    RENEW_DEADLINE_SECONDS: "3",
    RETRY_PERIOD_SECONDS: "1",
    PROMETHEUS_URL: options.prometheusUrl,
    PROMETHEUS_TIMEOUT_SECONDS: "2",
    PROMETHEUS_BREAKER_OPEN_SECONDS: "5",
    OPS_HOST: LOOPBACK,
    OPS_PORT: String(opsPort),
    RESYNC_SECONDS: "5",
    LOG_LEVEL: "info",
    ...(options.haproxyAddress ? { GATEWAY_ROUTER: "haproxy", HAPROXY_ADDRESS: options.haproxyAddress } : {}),
  };
  const child = supervisor.spawn(name, process.execPath, ["--import", import.meta.resolve("tsx"), MAIN], {
    env,
  });
  const opsUrl = `http://${LOOPBACK}:${opsPort}`;
  await waitForUrl(`${opsUrl}/healthz`, { process: child, timeoutMs: 30_000 });
  return {
    name,
    opsUrl,
    process: child,
    stop: async () => {
      await child.stop({ timeoutMs: 5000 });
    },
    kill: async () => {
      await child.stop({ signal: "SIGKILL", timeoutMs: 1000 });
    },
  };
}
