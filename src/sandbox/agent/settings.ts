/**
 * The sample agent's settings, read from the same env a real agent pod gets (REQUIREMENTS §1:
 * `AGENT_ID`, `ENVIRONMENT`, `DATA_THROUGHPUT_TARGET`, `MAX_CONCURRENT_STREAMS`, `DATA_CONFIG_*`)
 * plus what the sandbox kubelet sets in place of the downward API and fixed container ports.
 */

import { ADMIN_PORT, GRPC_PORT, HTTP_PORT } from "../../contract/ports.ts";
import { type Faults, faultsFor } from "./faults.ts";

export interface AgentPorts {
  /** `http-metrics`: records, metrics and health. */
  http: number;
  /** `grpc-data`: a plain HTTP listener answering health in the sandbox. */
  grpc: number;
  /** `http-admin`: health and the agent's own description. */
  admin: number;
}

export interface AgentSettings {
  agentId: string;
  environment: string;
  version: string;
  track: string;
  pod: string;
  namespace: string;
  throughputTarget: number;
  maxConcurrentStreams: number;
  /** `DATA_CONFIG_<KEY>` values by `<KEY>`. */
  dataConfig: Record<string, string>;
  ports: AgentPorts;
  host: string;
  /** Base processing time per record before faults, in milliseconds. */
  baseLatencyMs: number;
  /**
   * After SIGTERM: how long the agent keeps serving with readiness failing, so the gateway's
   * health checks take it out before the listener closes (a pod's preStop delay).
   */
  shutdownDelayMs: number;
  faults: Faults;
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, key: string): string {
  const value = env[key];
  if (!value) throw new Error(`${key} is required`);
  return value;
}

function integer(
  env: Env,
  key: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = env[key];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key}=${JSON.stringify(text)} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function dataConfigOf(env: Env): Record<string, string> {
  const prefix = "DATA_CONFIG_";
  return Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[0].startsWith(prefix) && entry[1] !== undefined)
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** Reads and checks the env; throws one error naming the variable and the accepted values. */
export function settingsFromEnv(env: Env): AgentSettings {
  const version = env.AGENT_VERSION ?? "0.0.0";
  const agentId = required(env, "AGENT_ID");
  return {
    agentId,
    environment: env.ENVIRONMENT ?? "dev",
    version,
    track: env.TRACK ?? "blue",
    pod: env.POD_NAME ?? `${agentId}-0`,
    namespace: env.NAMESPACE ?? "data-processing",
    throughputTarget: integer(env, "DATA_THROUGHPUT_TARGET", 10_000, 1),
    maxConcurrentStreams: integer(env, "MAX_CONCURRENT_STREAMS", 16, 1, 10_000),
    dataConfig: dataConfigOf(env),
    ports: {
      http: integer(env, "HTTP_PORT", HTTP_PORT, 0, 65_535),
      grpc: integer(env, "GRPC_PORT", GRPC_PORT, 0, 65_535),
      admin: integer(env, "ADMIN_PORT", ADMIN_PORT, 0, 65_535),
    },
    host: "127.0.0.1",
    baseLatencyMs: integer(env, "BASE_LATENCY_MS", 2, 0, 60_000),
    shutdownDelayMs: integer(env, "SHUTDOWN_DELAY_MS", 1500, 0, 120_000),
    faults: faultsFor(version, env),
  };
}
