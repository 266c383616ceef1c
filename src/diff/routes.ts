/**
 * Alertmanager changes a reviewer cares about: the route tree (who gets paged for what), receivers
 * (by name; credential fields masked) and inhibition rules.
 */
import { parse } from "yaml";
import type { KubeObject } from "../manifests/types.ts";
import { fieldChanges } from "./fields.ts";
import { isSecretField } from "./masking.ts";

export interface RouteChange {
  /** `severity="critical" › environment="prod"`, `(root)` for the top route. */
  route: string;
  change: "added" | "removed" | "changed";
  before?: string;
  after?: string;
}

export interface ReceiverChange {
  name: string;
  change: "added" | "removed" | "changed";
  /** Changed fields; credentials only by name. */
  fields: string[];
}

export interface AlertingDiff {
  routes: RouteChange[];
  receivers: ReceiverChange[];
  inhibitRules: { added: string[]; removed: string[] };
}

type Config = Record<string, unknown>;
const CONFIG_FILE = "alertmanager/alertmanager.yaml";

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** The Alertmanager config of a render: its `alertmanager.yaml` file, else the config Secret. */
export function alertmanagerConfigOf(
  files: ReadonlyMap<string, string>,
  objects: readonly KubeObject[],
): Config {
  const file = files.get(CONFIG_FILE);
  if (file !== undefined) return record(parse(file));
  const secret = objects.find(
    (object) => object.kind === "Secret" && record(object.stringData)["alertmanager.yaml"],
  );
  const text = record(secret?.stringData)["alertmanager.yaml"];
  return typeof text === "string" ? record(parse(text)) : {};
}

function describeRoute(route: Record<string, unknown>): string {
  const parts = [`receiver ${String(route.receiver ?? "(inherited)")}`];
  if (Array.isArray(route.group_by)) parts.push(`group_by [${route.group_by.join(", ")}]`);
  for (const key of ["group_wait", "group_interval", "repeat_interval"]) {
    if (route[key] !== undefined) parts.push(`${key} ${String(route[key])}`);
  }
  if (route.continue === true) parts.push("continue");
  return parts.join(" · ");
}

function routeLines(route: Record<string, unknown>, trail: string[], out: Map<string, string>): void {
  const matchers = [
    ...(Array.isArray(route.matchers) ? route.matchers.map(String) : []),
    ...Object.entries(record(route.match)).map(([key, value]) => `${key}="${String(value)}"`),
  ];
  const path = [
    ...trail,
    matchers.length > 0 ? matchers.join(", ") : trail.length === 0 ? "(root)" : "(any)",
  ];
  let key = path.join(" › ");
  for (let n = 2; out.has(key); n += 1) key = `${path.join(" › ")} #${n}`;
  out.set(key, describeRoute(route));
  for (const child of Array.isArray(route.routes) ? route.routes : []) routeLines(record(child), path, out);
}

function diffMaps<T>(before: Map<string, T>, after: Map<string, T>, same: (a: T, b: T) => boolean) {
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const added = [...after.keys()].filter((key) => !before.has(key));
  const changed = [...after.keys()].filter(
    (key) => before.has(key) && !same(before.get(key) as T, after.get(key) as T),
  );
  return { added, removed, changed };
}

function diffRoutes(base: Config, head: Config): RouteChange[] {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  if (base.route) routeLines(record(base.route), [], before);
  if (head.route) routeLines(record(head.route), [], after);
  const { added, removed, changed } = diffMaps(before, after, (a, b) => a === b);
  return [
    ...removed.map((route) => ({ route, change: "removed" as const, before: before.get(route) })),
    ...added.map((route) => ({ route, change: "added" as const, after: after.get(route) })),
    ...changed.map((route) => ({
      route,
      change: "changed" as const,
      before: before.get(route),
      after: after.get(route),
    })),
  ];
}

function diffReceivers(base: Config, head: Config): ReceiverChange[] {
  const byName = (config: Config) =>
    new Map(
      (Array.isArray(config.receivers) ? config.receivers : []).map((r) => [String(record(r).name), r]),
    );
  const before = byName(base);
  const after = byName(head);
  const { added, removed, changed } = diffMaps(before, after, (a, b) => fieldChanges(a, b).length === 0);
  return [
    ...removed.map((name) => ({ name, change: "removed" as const, fields: [] })),
    ...added.map((name) => ({ name, change: "added" as const, fields: [] })),
    ...changed.map((name) => ({
      name,
      change: "changed" as const,
      fields: fieldChanges(before.get(name), after.get(name)).map(({ path }) =>
        isSecretField("Receiver", path) ? `${path} (secret)` : path,
      ),
    })),
  ];
}

function inhibitLines(config: Config): Set<string> {
  return new Set(
    (Array.isArray(config.inhibit_rules) ? config.inhibit_rules : []).map((rule) => JSON.stringify(rule)),
  );
}

export function diffAlerting(base: Config, head: Config): AlertingDiff {
  const before = inhibitLines(base);
  const after = inhibitLines(head);
  return {
    routes: diffRoutes(base, head),
    receivers: diffReceivers(base, head),
    inhibitRules: {
      added: [...after].filter((line) => !before.has(line)),
      removed: [...before].filter((line) => !after.has(line)),
    },
  };
}
