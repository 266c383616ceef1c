/**
 * Metric names several parts must agree on: what every agent exposes (REQUIREMENTS.md §3), read by
 * the rules, dashboards, the autoscaling adapter and the controller's analysis queries; and the
 * rollout controller's own metrics, read by its alerts and dashboard.
 */

/** What every agent exposes on `http-metrics` (labels `namespace`, `agent`, `track`, `pod`). */
export const AGENT_METRICS = {
  processed: "agent_records_processed_total",
  failed: "agent_records_failed_total",
  bytes: "agent_bytes_processed_total",
  latency: "agent_processing_latency_seconds",
  inputQueue: "agent_input_queue_depth",
  outputQueue: "agent_output_queue_depth",
  activeStreams: "agent_active_streams",
  quality: "agent_data_quality_score",
  /** 0 healthy, 1 degraded, 2 unhealthy. */
  health: "agent_health_status",
} as const;

/** A histogram's series: the agent latency histogram is read by its buckets and its count. */
export const bucketsOf = (histogram: string) => `${histogram}_bucket`;
export const countOf = (histogram: string) => `${histogram}_count`;

/**
 * The rollout controller's metrics. `agentfleet_rollout_phase{namespace,rollout,phase}` is 1 for the
 * current phase (kube-state-metrics style); `agentfleet_leader` is 1 on the replica holding the
 * leader Lease and 0 on the others.
 */
export const CONTROLLER_METRICS = {
  phase: "agentfleet_rollout_phase",
  weight: "agentfleet_rollout_weight",
  reconcileErrors: "agentfleet_reconcile_errors_total",
  reconcileDuration: "agentfleet_reconcile_duration_seconds",
  leader: "agentfleet_leader",
  step: "agentfleet_rollout_step",
  stepStarted: "agentfleet_rollout_step_started_timestamp_seconds",
  measurements: "agentfleet_analysis_measurements_total",
  analysisValue: "agentfleet_analysis_value",
  providerUp: "agentfleet_analysis_provider_up",
  decisions: "agentfleet_release_decisions_total",
  workqueueDepth: "agentfleet_workqueue_depth",
} as const;
