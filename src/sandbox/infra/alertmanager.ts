/**
 * Real Alertmanager for the sandbox, run on the product's own configuration with one change of
 * substance: every receiver (email, Slack, PagerDuty, webhook, even the blackhole) becomes a
 * webhook to the local sink, at `<sink>/receivers/<name>`, so the sink sees which receiver the
 * routing tree picked. Routes, matchers, grouping, repeat intervals and inhibition stay as they
 * are; only `group_wait`/`group_interval` shrink to sandbox time. Clustering is off.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { resolveSandboxBinary } from "./binaries.ts";
import { freePort, LOOPBACK } from "./ports.ts";
import type { ProcessSupervisor, SupervisedProcess } from "./processes.ts";
import { waitForUrl } from "./processes.ts";

/** The part of an Alertmanager route tree the sandbox touches; other fields are carried along. */
export interface RouteLike {
  receiver?: string;
  group_wait?: string;
  group_interval?: string;
  routes?: RouteLike[];
}

/** What the sandbox needs of a config, e.g. `buildAlertmanagerConfig(fleet)`; other fields are kept. */
export interface AlertmanagerConfigLike {
  global?: Record<string, unknown>;
  route: RouteLike;
  receivers: ReadonlyArray<{ name: string }>;
}

export interface SandboxTimings {
  /** @default "1s" */
  groupWait?: string;
  /** @default "2s" */
  groupInterval?: string;
}

/** Global settings that only parameterise real notifiers; with webhook receivers they are noise. */
const NOTIFIER_GLOBALS =
  /^(smtp_|slack_|pagerduty_|opsgenie_|wechat_|victorops_|telegram_|webex_|http_config$)/;

function shortenRoute(route: RouteLike, timings: Required<SandboxTimings>, root: boolean): RouteLike {
  const copy: RouteLike = { ...route };
  if (root || copy.group_wait !== undefined) copy.group_wait = timings.groupWait;
  if (root || copy.group_interval !== undefined) copy.group_interval = timings.groupInterval;
  if (route.routes) copy.routes = route.routes.map((child) => shortenRoute(child, timings, false));
  return copy;
}

/**
 * The sandbox version of a config (pure): receivers → sink webhooks, shorter group timings,
 * notifier-only globals and template files dropped; everything else as it was.
 */
export function sandboxAlertmanagerConfig(
  config: AlertmanagerConfigLike,
  sinkUrl: string,
  timings: SandboxTimings = {},
): Record<string, unknown> {
  const resolved = { groupWait: timings.groupWait ?? "1s", groupInterval: timings.groupInterval ?? "2s" };
  const sandbox: Record<string, unknown> = { ...config };
  delete sandbox.templates;
  const global = Object.entries(config.global ?? {}).filter(([key]) => !NOTIFIER_GLOBALS.test(key));
  sandbox.global = Object.fromEntries(global);
  sandbox.route = shortenRoute(config.route, resolved, true);
  sandbox.receivers = config.receivers.map(({ name }) => ({
    name,
    webhook_configs: [
      { url: `${sinkUrl}/receivers/${encodeURIComponent(name)}`, send_resolved: true, max_alerts: 0 },
    ],
  }));
  return sandbox;
}

/** An alert as posted to `/api/v2/alerts`. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface AlertmanagerServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`, for Prometheus's `alerting` section. */
  address: string;
  configFile: string;
  process: SupervisedProcess;
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
  stop(): Promise<void>;
}

export interface StartAlertmanagerOptions {
  /** The product's Alertmanager config, e.g. `buildAlertmanagerConfig(fleet)`. */
  config: AlertmanagerConfigLike;
  /** Base URL of the webhook sink. */
  sinkUrl: string;
  timings?: SandboxTimings;
  /** @default 20000 */
  readyTimeoutMs?: number;
}

export async function startAlertmanager(
  supervisor: ProcessSupervisor,
  options: StartAlertmanagerOptions,
): Promise<AlertmanagerServer> {
  const dir = supervisor.dir("alertmanager");
  const port = await freePort();
  const address = `${LOOPBACK}:${port}`;
  const url = `http://${address}`;
  const configFile = join(dir, "alertmanager.yml");
  await writeFile(
    configFile,
    stringify(sandboxAlertmanagerConfig(options.config, options.sinkUrl, options.timings)),
  );
  const child = supervisor.spawn("alertmanager", resolveSandboxBinary("alertmanager"), [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, "data")}`,
    `--web.listen-address=${address}`,
    // Empty: no gossip cluster, nothing listens beyond the API port.
    "--cluster.listen-address=",
  ]);
  await waitForUrl(`${url}/-/ready`, { process: child, timeoutMs: options.readyTimeoutMs ?? 20_000 });
  return {
    url,
    address,
    configFile,
    process: child,
    postAlerts: async (alerts) => {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw new Error(`Alertmanager refused alerts: HTTP ${response.status} ${await response.text()}`);
    },
    stop: async () => {
      await child.stop();
    },
  };
}
