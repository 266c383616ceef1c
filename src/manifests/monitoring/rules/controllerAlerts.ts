/**
 * Alerts on the rollout controller: down, leaderless, failing reconciles, releases stuck in one
 * phase. Controller-wide alerts name the controller as `agent`; per-rollout alerts name the agent
 * (an `AgentRollout` is named after its agent).
 */
import type { FleetConfig } from "../../../config/index.ts";
import { CONTROLLER } from "../../../contract/controller.ts";
import { CONTROLLER_METRICS } from "../../../contract/metrics.ts";
import type { AlertingRule, RuleGroup } from "./ruleTypes.ts";

const C = CONTROLLER_METRICS;
const WHO = "{{ $labels.agent }} in {{ $labels.namespace }}";

/** `rollout` → `agent`; series without a rollout are the controller's own. */
function agentFromRollout(expr: string): string {
  const fallback = `label_replace(${expr}, "agent", "${CONTROLLER.name}", "rollout", "")`;
  return `label_replace(${fallback}, "agent", "$1", "rollout", "(.+)")`;
}

function controllerWide(fleet: FleetConfig, severity: "critical" | "error"): AlertingRule["labels"] {
  return {
    severity,
    namespace: CONTROLLER.namespace,
    agent: CONTROLLER.name,
    environment: fleet.environment,
  };
}

export function controllerAlertRules(fleet: FleetConfig): RuleGroup {
  const { controllerDown, reconcileErrors, rolloutStuck } = fleet.monitoring.durations;
  const environment = { environment: fleet.environment };
  return {
    name: "agent-fleet.controller.alerts",
    rules: [
      {
        alert: "AgentFleetControllerDown",
        expr: `absent(up{job="${CONTROLLER.name}", namespace="${CONTROLLER.namespace}"} == 1)`,
        for: controllerDown,
        labels: controllerWide(fleet, "critical"),
        annotations: {
          summary: "The rollout controller is down.",
          description: `No rollout controller pod in ${CONTROLLER.namespace} has been scraped successfully for ${controllerDown}: releases neither progress nor abort.`,
        },
      },
      {
        alert: "AgentFleetControllerNoLeader",
        expr: `sum(${C.leader}) != 1`,
        for: controllerDown,
        labels: controllerWide(fleet, "critical"),
        annotations: {
          summary: "The rollout controller has no single leader.",
          description: `{{ $value }} rollout controller replicas have held the leader Lease for ${controllerDown} (expected exactly 1).`,
        },
      },
      {
        alert: "AgentFleetReconcileErrors",
        expr: `max by (namespace, agent) (\n  ${agentFromRollout(`sum by (namespace, rollout) (rate(${C.reconcileErrors}[5m])) > 0`)}\n)`,
        for: reconcileErrors,
        labels: { severity: "error", ...environment },
        annotations: {
          summary: "The rollout controller keeps failing to reconcile.",
          description: `Reconciling ${WHO} has failed in every 5-minute window for ${reconcileErrors} ({{ $value | humanize }} errors/s).`,
        },
      },
      {
        alert: "AgentRolloutStuck",
        expr: `max by (namespace, agent, phase) (\n  ${agentFromRollout(`${C.phase}{phase=~"Paused|Analysing"} == 1`)}\n)`,
        for: rolloutStuck,
        labels: { severity: "warning", ...environment },
        annotations: {
          summary: "A release has been stuck in one phase.",
          description: `The release of ${WHO} has stayed in phase {{ $labels.phase }} for ${rolloutStuck}.`,
        },
      },
    ],
  };
}
