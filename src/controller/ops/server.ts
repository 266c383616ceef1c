/**
 * Operations endpoints: `/healthz` (the process and its lease loop are alive), `/readyz` (caches
 * synced when leading; a standby is ready to take over) and `/metrics` (Prometheus text format).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface OpsProbes {
  healthy(): { ok: boolean; detail: string };
  ready(): { ok: boolean; detail: string };
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(
  registry: Registry,
  probes: OpsProbes,
  host: string,
  port: number,
): Promise<OpsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const probe = path === "/healthz" ? probes.healthy() : path === "/readyz" ? probes.ready() : undefined;
    if (probe) {
      response.writeHead(probe.ok ? 200 : 503, { "Content-Type": "text/plain" });
      response.end(`${probe.ok ? "ok" : "not ok"}: ${probe.detail}\n`);
      return;
    }
    if (path === "/metrics") {
      registry
        .metrics()
        .then((text) => {
          response.writeHead(200, { "Content-Type": registry.contentType });
          response.end(text);
        })
        .catch((error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        });
      return;
    }
    response.writeHead(404, { "Content-Type": "text/plain" });
    response.end("not found\n");
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
