/**
 * Grafana dashboards as JSON (built with `@grafana/grafana-foundation-sdk`) and the ConfigMaps the
 * Grafana sidecar loads them from (label `monitoring.dashboardLabels`).
 */
import type { FleetConfig } from "../../../config/index.ts";
import { fleetLabels } from "../../../contract/labels.ts";
import type { KubeObject } from "../../types.ts";
import { buildAgentDashboard } from "./agentDashboard.ts";
import { buildFleetOverview } from "./fleetOverview.ts";

export { AGENT_DASHBOARD_UID, FLEET_DASHBOARD_UID } from "./fleetOverview.ts";

/** Dashboard JSON by file name (without `.json`), plain data (no builder instances). */
export function buildDashboards(fleet: FleetConfig): Record<string, Record<string, unknown>> {
  const dashboards = {
    "agent-fleet-overview": buildFleetOverview(fleet),
    "agent-fleet-agent": buildAgentDashboard(fleet),
  };
  return JSON.parse(JSON.stringify(dashboards)) as Record<string, Record<string, unknown>>;
}

export function buildDashboardConfigMaps(
  fleet: FleetConfig,
  dashboards: Record<string, Record<string, unknown>>,
): KubeObject[] {
  return Object.entries(dashboards).map(([name, json]) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${name}-dashboard`,
      namespace: fleet.monitoring.namespace,
      labels: {
        ...fleetLabels("monitoring"),
        ...fleet.monitoring.dashboardLabels,
        "agent-fleet.dev/render-group": "monitoring",
      },
      // kube-prometheus-stack's sidecar files dashboards into this folder (folderAnnotation).
      annotations: { grafana_folder: "Agent fleet" },
    },
    data: { [`${name}.json`]: JSON.stringify(json, null, 2) },
  }));
}
