/**
 * Every alert's runbook, in one place. Pages live in `docs/runbooks/<page>.md`; `withRunbooks`
 * (rules/index.ts) adds `runbook_url` to every alert after the area modules built them, so no area
 * can forget it.
 */

/** Alert name → runbook page (without `.md`). Adding an alert without a page does not compile. */
export const RUNBOOK_PAGES = {
  AgentLatencyHigh: "agent-latency",
  AgentLatencyCritical: "agent-latency",
  AgentErrorRateHigh: "agent-error-rate",
  AgentQueueDepthCritical: "agent-queue-depth",
  AgentDataQualityLow: "agent-data-quality",
  AgentThroughputDrop: "agent-throughput-drop",
  AgentDegraded: "agent-health",
  AgentUnhealthy: "agent-health",
  AgentNotReporting: "agent-not-reporting",
  AgentCPUHigh: "agent-cpu",
  AgentCPUCritical: "agent-cpu",
  AgentMemoryHigh: "agent-memory",
  AgentMemoryCritical: "agent-memory",
  AgentErrorBudgetBurn: "agent-error-budget-burn",
  AgentFleetControllerDown: "rollout-controller-down",
  AgentFleetControllerNoLeader: "rollout-controller-down",
  AgentFleetReconcileErrors: "rollout-controller-reconcile-errors",
  AgentRolloutStuck: "rollout-stuck",
} as const;

export type AlertName = keyof typeof RUNBOOK_PAGES;

export function runbookUrl(baseUrl: string, alert: AlertName): string {
  return `${baseUrl.replace(/\/+$/, "")}/${RUNBOOK_PAGES[alert]}.md`;
}
