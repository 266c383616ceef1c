/**
 * Wiring for the program: `defineMonitoring(rendered, { namespaces })` creates the Monitoring
 * and Alerting components from a rendered fleet.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WebhookBearerTokenMode } from "../../config/schema.ts";
import type { RenderedFleet } from "../../manifests/types.ts";
import { Alerting } from "./alerting.ts";
import { Monitoring } from "./monitoring.ts";

export { Alerting, type AlertingArgs } from "./alerting.ts";
export { Monitoring, type MonitoringArgs } from "./monitoring.ts";

export interface MonitoringStack {
  monitoring: Monitoring;
  alerting: Alerting;
}

export interface DefineMonitoringOptions extends pulumi.ComponentResourceOptions {
  /**
   * Namespace resources the monitoring objects need but do not create: every AgentCluster's
   * `namespaceResource` (agent PodMonitors live there) and the controller's namespace.
   * @default []
   */
  namespaces?: pulumi.Resource[];
  /** `alerting.receivers.webhook.bearerToken` of the fleet. @default "secret" */
  webhookBearerToken?: WebhookBearerTokenMode;
}

export function defineMonitoring(
  rendered: RenderedFleet,
  options: DefineMonitoringOptions = {},
): MonitoringStack {
  const { namespaces, webhookBearerToken, ...opts } = options;
  const monitoring = new Monitoring("monitoring", { objects: rendered.monitoring, namespaces }, opts);
  const alerting = new Alerting(
    "alerting",
    {
      objects: rendered.alerting,
      config: rendered.alertmanagerConfig,
      namespaces: monitoring.namespaceResource ? [monitoring.namespaceResource] : [],
      webhookBearerToken,
    },
    opts,
  );
  return { monitoring, alerting };
}
