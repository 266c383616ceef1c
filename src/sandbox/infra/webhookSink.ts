/**
 * Where the sandbox Alertmanager's notifications land: an HTTP server on loopback that records
 * every webhook payload (with the receiver the routing tree chose) and lets callers wait for an
 * alert by name, labels, receiver and status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LOOPBACK } from "./ports.ts";

/** One alert of an Alertmanager webhook payload (version 4). */
export interface NotifiedAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint?: string;
}

/** An Alertmanager webhook payload as received. */
export interface AlertNotification {
  /** Epoch milliseconds of arrival. */
  receivedAt: number;
  receiver: string;
  status: "firing" | "resolved";
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: NotifiedAlert[];
}

export interface AlertMatch {
  alertname?: string;
  /** Every label given must be equal on the alert. */
  labels?: Record<string, string>;
  receiver?: string;
  status?: "firing" | "resolved";
}

export interface MatchedAlert {
  notification: AlertNotification;
  alert: NotifiedAlert;
}

export interface WebhookSink {
  /** Base URL; Alertmanager posts to `<url>/receivers/<name>`. */
  url: string;
  /** Every payload so far, in arrival order. */
  readonly notifications: readonly AlertNotification[];
  /** Alerts received so far that match. */
  received(match: AlertMatch): MatchedAlert[];
  /** Resolves with the first matching alert, already received or arriving within the timeout. */
  waitForAlert(match: AlertMatch, timeoutMs?: number): Promise<MatchedAlert>;
  close(): Promise<void>;
}

export function alertMatches(
  notification: AlertNotification,
  alert: NotifiedAlert,
  match: AlertMatch,
): boolean {
  if (match.receiver !== undefined && notification.receiver !== match.receiver) return false;
  if (match.status !== undefined && alert.status !== match.status) return false;
  if (match.alertname !== undefined && alert.labels.alertname !== match.alertname) return false;
  return Object.entries(match.labels ?? {}).every(([name, value]) => alert.labels[name] === value);
}

function matchesIn(notification: AlertNotification, match: AlertMatch): MatchedAlert[] {
  return notification.alerts
    .filter((alert) => alertMatches(notification, alert, match))
    .map((alert) => ({ notification, alert }));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export async function startWebhookSink(port = 0): Promise<WebhookSink> {
  const notifications: AlertNotification[] = [];
  const waiters = new Set<(notification: AlertNotification) => void>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "POST") {
      response.writeHead(405).end();
      return;
    }
    const payload = (await readJson(request)) as Omit<AlertNotification, "receivedAt">;
    const notification: AlertNotification = { ...payload, receivedAt: Date.now() };
    notifications.push(notification);
    for (const waiter of waiters) waiter(notification);
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(400, { "content-type": "text/plain" }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  const url = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;

  const received = (match: AlertMatch) =>
    notifications.flatMap((notification) => matchesIn(notification, match));
  return {
    url,
    notifications,
    received,
    waitForAlert: (match, timeoutMs = 20_000) => {
      const [first] = received(match);
      if (first) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        const waiter = (notification: AlertNotification) => {
          const [hit] = matchesIn(notification, match);
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = notifications.map(
            (n) => `${n.receiver}:${n.alerts.map((a) => a.labels.alertname).join(",")}`,
          );
          reject(
            new Error(
              `no alert matching ${JSON.stringify(match)} within ${timeoutMs} ms; got [${seen.join("; ")}]`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
