/**
 * All rule groups of the fleet, in dependency order (thresholds → signals → SLIs → alerts), with
 * runbook links added centrally; and the `PrometheusRule` objects that carry them, one per area.
 */
import type { FleetConfig } from "../../../config/index.ts";
import { fleetLabels } from "../../../contract/labels.ts";
import { scheduleRules } from "../../autoscaling/schedules.ts";
import type { KubeObject } from "../../types.ts";
import { agentAlertRules } from "./agentAlerts.ts";
import { agentSignalRules } from "./agentSignals.ts";
import { controllerAlertRules } from "./controllerAlerts.ts";
import { resourceAlertRules, resourceRecordingRules } from "./resourceAlerts.ts";
import type { RuleFile, RuleGroup } from "./ruleTypes.ts";
import { runbookUrl } from "./runbooks.ts";
import { sloRules } from "./slo.ts";
import { thresholdRules } from "./thresholds.ts";

export interface RuleArea {
  /** Suffix of the `PrometheusRule` name. */
  area: "thresholds" | "agents" | "resources" | "slo" | "controller" | "autoscaling";
  groups: RuleGroup[];
}

export function buildRuleAreas(fleet: FleetConfig): RuleArea[] {
  const areas: RuleArea[] = [
    { area: "thresholds", groups: [thresholdRules(fleet)] },
    { area: "agents", groups: [agentSignalRules(), agentAlertRules(fleet)] },
    { area: "resources", groups: [resourceRecordingRules(fleet), resourceAlertRules(fleet)] },
    { area: "slo", groups: sloRules(fleet) },
    { area: "controller", groups: [controllerAlertRules(fleet)] },
  ];
  const schedules = scheduleRules(fleet.autoscaling.schedules);
  if (schedules.length > 0) areas.push({ area: "autoscaling", groups: schedules });
  return areas.map(({ area, groups }) => ({
    area,
    groups: withRunbooks(groups, fleet.monitoring.runbookBaseUrl),
  }));
}

/** Adds `runbook_url` to every alert of the groups, so no area module can forget it. */
function withRunbooks(groups: readonly RuleGroup[], baseUrl: string): RuleGroup[] {
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) =>
      "alert" in rule
        ? { ...rule, annotations: { ...rule.annotations, runbook_url: runbookUrl(baseUrl, rule.alert) } }
        : rule,
    ),
  }));
}

/** The plain rule file (`prometheus/rules.yaml`): every group, in evaluation-dependency order. */
export function ruleFileOf(areas: readonly RuleArea[]): RuleFile {
  return { groups: areas.flatMap((area) => area.groups) };
}

export function buildPrometheusRules(fleet: FleetConfig, areas: readonly RuleArea[]): KubeObject[] {
  return areas.map(({ area, groups }) => ({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: `agent-fleet-${area}`,
      namespace: fleet.monitoring.namespace,
      // The cluster's Prometheus selects rules by these labels (kube-prometheus-stack: `release`).
      labels: { ...fleetLabels("monitoring"), ...fleet.monitoring.selectorLabels },
    },
    spec: { groups },
  }));
}
