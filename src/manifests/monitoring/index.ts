/**
 * Monitoring and alerting of a fleet as plain data: rule groups, scrape monitors, dashboards,
 * the Alertmanager configuration (with secret placeholders) and, when the cluster has none, a
 * Prometheus and Alertmanager of our own. Pure: no Pulumi, no I/O.
 */
import type { FleetConfig } from "../../config/index.ts";
import type { KubeObject } from "../types.ts";
import { buildAlertingObjects } from "./alerting/alertingObjects.ts";
import { buildAlertmanagerConfig } from "./alerting/alertmanagerReceivers.ts";
import type { AlertmanagerConfig } from "./alerting/alertmanagerTypes.ts";
import { buildDashboardConfigMaps, buildDashboards } from "./dashboards/index.ts";
import { buildPrometheusRules, buildRuleAreas, ruleFileOf } from "./rules/index.ts";
import type { RuleFile } from "./rules/ruleTypes.ts";
import { buildPodMonitors } from "./scraping/podMonitors.ts";
import { buildPrometheusStack } from "./scraping/prometheusStack.ts";

export interface MonitoringRender {
  /** Rules, monitors, dashboards ConfigMaps and (optionally) Prometheus: the Monitoring component's. */
  monitoringObjects: KubeObject[];
  /** The Alertmanager config Secret and (optionally) Alertmanager: the Alerting component's. */
  alertingObjects: KubeObject[];
  ruleFile: RuleFile;
  alertmanagerConfig: AlertmanagerConfig;
  dashboards: Record<string, Record<string, unknown>>;
}

export function renderMonitoring(fleet: FleetConfig): MonitoringRender {
  const areas = buildRuleAreas(fleet);
  const dashboards = buildDashboards(fleet);
  const alertmanagerConfig = buildAlertmanagerConfig(fleet);
  return {
    monitoringObjects: [
      ...buildPrometheusStack(fleet),
      ...buildPrometheusRules(fleet, areas),
      ...buildPodMonitors(fleet),
      ...buildDashboardConfigMaps(fleet, dashboards),
    ],
    alertingObjects: buildAlertingObjects(fleet, alertmanagerConfig),
    ruleFile: ruleFileOf(areas),
    alertmanagerConfig,
    dashboards,
  };
}
