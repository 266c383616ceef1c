/**
 * Request handling of the sample agent. `http-metrics` serves `POST /records`, `GET /metrics` and
 * health; `grpc-data` and `http-admin` serve health (and the admin port `GET /admin/info`). Every
 * data-port answer names the track, version and pod that served it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HEALTH_PATHS } from "../../contract/ports.ts";
import type { AgentMetrics } from "./metrics.ts";
import type { RecordProcessor } from "./processor.ts";
import type { AgentSettings } from "./settings.ts";

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BATCH = 1000;

export class BadRequest extends Error {}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A record, a JSON array of records, or `{ "records": [...] }`. */
export function recordsOf(body: Buffer): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new BadRequest("body is not JSON");
  }
  const records =
    parsed && typeof parsed === "object" && !Array.isArray(parsed) && "records" in parsed
      ? (parsed as { records: unknown }).records
      : parsed;
  const list = Array.isArray(records) ? records : [records];
  if (list.length === 0) throw new BadRequest("no records");
  if (list.length > MAX_BATCH) throw new BadRequest(`more than ${MAX_BATCH} records in one batch`);
  return list;
}

export class AgentRoutes {
  /** Set on shutdown: readiness fails and answers close their connections. */
  draining = false;
  readonly #settings: AgentSettings;
  readonly #processor: RecordProcessor;
  readonly #metrics: AgentMetrics;

  constructor(settings: AgentSettings, processor: RecordProcessor, metrics: AgentMetrics) {
    this.#settings = settings;
    this.#processor = processor;
    this.#metrics = metrics;
  }

  /** Handler of the `http-metrics` port. */
  readonly data: Handler = this.#guarded(async (request, response) => {
    const { track, version, pod } = this.#settings;
    response.setHeader("x-agent-track", track);
    response.setHeader("x-agent-version", version);
    response.setHeader("x-agent-pod", pod);
    if (this.#health(request, response)) return;
    if (request.method === "POST" && request.url === "/records") return this.#records(request, response);
    if (request.method === "GET" && request.url === "/metrics") {
      this.#send(response, 200, this.#metrics.registry.contentType, await this.#metrics.registry.metrics());
      return;
    }
    this.#notFound(request, response);
  });

  /** Handler of the `grpc-data` and `http-admin` ports. */
  readonly admin: Handler = this.#guarded((request, response) => {
    if (this.#health(request, response)) return;
    if (request.method === "GET" && request.url === "/admin/info") {
      const { ports: _ports, host: _host, ...description } = this.#settings;
      this.#json(response, 200, description);
      return;
    }
    this.#notFound(request, response);
  });

  async #records(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const list = recordsOf(await readBody(request));
    const outcome = await this.#processor.processStream(list);
    response.on("finish", outcome.delivered);
    response.on("close", outcome.delivered);
    this.#json(response, outcome.failed > 0 ? 500 : 200, {
      processed: outcome.results.length,
      failed: outcome.failed,
      results: outcome.results,
    });
  }

  #health(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    if (request.url === HEALTH_PATHS.liveness) {
      this.#json(response, 200, { status: "alive" });
      return true;
    }
    if (request.url === HEALTH_PATHS.readiness) {
      const healthStatus = this.#processor.healthStatus();
      const ready = !this.draining && healthStatus < 2;
      this.#json(response, ready ? 200 : 503, { ready, draining: this.draining, healthStatus });
      return true;
    }
    return false;
  }

  #notFound(request: IncomingMessage, response: ServerResponse): void {
    this.#json(response, 404, { error: `no route for ${request.method} ${request.url}` });
  }

  /** While draining, answers close their connection, so the gateway holds none when the listener closes. */
  #send(response: ServerResponse, status: number, contentType: string, body: string): void {
    if (this.draining) response.setHeader("connection", "close");
    response.writeHead(status, { "content-type": contentType });
    response.end(body);
  }

  #json(response: ServerResponse, status: number, body: unknown): void {
    this.#send(response, status, "application/json", JSON.stringify(body));
  }

  #guarded(handler: Handler): Handler {
    return (request, response) => {
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        const status = error instanceof BadRequest ? 400 : 500;
        const message = error instanceof Error ? error.message : String(error);
        if (!response.headersSent) this.#json(response, status, { error: message });
        else response.destroy();
      });
    };
  }
}
