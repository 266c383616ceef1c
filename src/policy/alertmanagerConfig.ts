/**
 * The Alertmanager configuration a stack ships, read back from its config Secret
 * (`alertmanager.yaml`, in `stringData` as the render writes it or base64 in `data`), as the
 * little the policies need: the route tree and which receivers actually notify.
 */
import { parse } from "yaml";
import { ALERTMANAGER_CONFIG_KEY } from "../manifests/monitoring/alerting/alertingObjects.ts";
import type { KubeObject } from "../manifests/types.ts";
import { asArray, field } from "./objects.ts";

export interface RouteView {
  receiver?: string;
  routes?: RouteView[];
}

export interface AlertmanagerView {
  secret: KubeObject;
  route: RouteView;
  receivers: Array<Record<string, unknown>>;
}

function configText(secret: KubeObject): string | undefined {
  const plain = field(secret.stringData, ALERTMANAGER_CONFIG_KEY);
  if (typeof plain === "string") return plain;
  const encoded = field(secret.data, ALERTMANAGER_CONFIG_KEY);
  return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : undefined;
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every Secret holding an `alertmanager.yaml` that parses. One whose value is not a string yet
 * (an unknown during a preview) or not YAML is left out: there is nothing to judge.
 */
export function alertmanagerConfigs(objects: readonly KubeObject[]): AlertmanagerView[] {
  return objects.flatMap((secret) => {
    if (secret.kind !== "Secret") return [];
    const text = configText(secret);
    const config = text === undefined ? undefined : parsed(text);
    const route = field(config, "route");
    if (!config || route === null || typeof route !== "object") return [];
    return [{ secret, route: route as RouteView, receivers: asArray(config.receivers) }];
  });
}

/** A receiver notifies when it has at least one non-empty `*_configs` list. */
export function notifyingReceivers(view: AlertmanagerView): Set<string> {
  return new Set(
    view.receivers
      .filter((receiver) =>
        Object.entries(receiver).some(
          ([key, value]) => key.endsWith("_configs") && Array.isArray(value) && value.length > 0,
        ),
      )
      .map((receiver) => String(receiver.name)),
  );
}

/** The root route and every route below it. */
export function allRoutes(route: RouteView): RouteView[] {
  return [route, ...asArray<RouteView>(route.routes).flatMap(allRoutes)];
}
