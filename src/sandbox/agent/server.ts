/**
 * The sample agent's three loopback listeners (`http-metrics`, `grpc-data`, `http-admin`) and its
 * graceful shutdown: readiness fails first, the agent keeps serving for `shutdownDelayMs` so the
 * gateway's health checks take it out, then the listeners close once in-flight requests finish —
 * what a blue-green switch needs for zero failed requests.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createAgentMetrics } from "./metrics.ts";
import { RecordProcessor } from "./processor.ts";
import { AgentRoutes } from "./routes.ts";
import type { AgentPorts, AgentSettings } from "./settings.ts";

/** In-flight requests still open this long after the listeners close are cut. */
const FORCE_CLOSE_AFTER_MS = 60_000;

export interface AgentServer {
  /** Bound ports (the real ones when 0 was asked for). */
  ports: AgentPorts;
  /** Readiness fails, the agent drains, the listeners close. Idempotent. */
  shutdown(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export async function startAgentServer(settings: AgentSettings): Promise<AgentServer> {
  const metrics = createAgentMetrics();
  const routes = new AgentRoutes(settings, new RecordProcessor(settings, metrics), metrics);
  const data = createServer(routes.data);
  const grpc = createServer(routes.admin);
  const admin = createServer(routes.admin);
  const servers = [data, grpc, admin];
  const ports: AgentPorts = {
    http: await listen(data, settings.host, settings.ports.http),
    grpc: await listen(grpc, settings.host, settings.ports.grpc),
    admin: await listen(admin, settings.host, settings.ports.admin),
  };

  async function drainAndClose(): Promise<void> {
    routes.draining = true;
    await sleep(settings.shutdownDelayMs);
    const force = setTimeout(() => {
      for (const server of servers) server.closeAllConnections();
    }, FORCE_CLOSE_AFTER_MS);
    force.unref();
    await Promise.all(servers.map(close));
    clearTimeout(force);
  }
  let stopping: Promise<void> | undefined;
  return {
    ports,
    shutdown: () => {
      stopping ??= drainAndClose();
      return stopping;
    },
  };
}
