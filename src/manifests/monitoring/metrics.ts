/**
 * Series the monitoring stack derives from the metric contract (src/contract/metrics.ts): the
 * selections the presence alerts read and the series our own recording rules produce. Dashboards
 * and rules both read these, so a rename happens in one place.
 */
import { AGENT_METRICS, countOf } from "../../contract/metrics.ts";

/**
 * Any series of the metric contract, one name per metric (the histogram by its `_count`, not its
 * buckets, to keep the selection small). An agent is reporting while it has one of these, whichever
 * it is: none of the optional gauges is required.
 */
export const ANY_AGENT_SERIES = `{__name__=~"${[
  AGENT_METRICS.processed,
  AGENT_METRICS.failed,
  AGENT_METRICS.bytes,
  countOf(AGENT_METRICS.latency),
  AGENT_METRICS.inputQueue,
  AGENT_METRICS.outputQueue,
  AGENT_METRICS.activeStreams,
  AGENT_METRICS.quality,
  AGENT_METRICS.health,
].join("|")}"}`;

/**
 * The scrape targets of agent pods: the agent PodMonitor copies the pod's `agent` and
 * `environment` labels onto them, and they exist while the pod does, even when every scrape fails.
 */
export const AGENT_TARGETS = 'up{agent!=""}';

/** Labels each agent alert is evaluated by; `environment` rides along for routing. */
export const AGENT_KEY = "namespace, agent";
export const AGENT_GROUPING = "namespace, agent, environment";

/** Series our recording rules produce (`level:metric:operations`). */
export const RECORDED = {
  processedRate: "namespace_agent:agent_records_processed:rate5m",
  failedRate: "namespace_agent:agent_records_failed:rate5m",
  errorRatio: "namespace_agent:agent_records_failed:ratio_rate5m",
  latencyQuantile: (quantile: "p50" | "p95" | "p99") =>
    `namespace_agent:agent_processing_latency_seconds:${quantile}_rate5m`,
  inputQueue: "namespace_agent:agent_input_queue_depth:sum",
  quality: "namespace_agent:agent_data_quality_score:min",
  health: "namespace_agent:agent_health_status:max",
  /** 1 per agent the stack declares (`namespace`, `agent`, `environment`), from config alone. */
  expectedAgents: "namespace_agent:agent_fleet_expected:info",
  /** 1 per agent with at least one series of the metric contract right now. */
  reportingAgents: "namespace_agent:agent_fleet_reporting:info",
  /** Pod → agent mapping, 1 per agent pod, for joining cAdvisor / kube-state-metrics series. */
  podInfo: "namespace_pod:agent_fleet_agent:info",
  cpuRatio: "namespace_pod_container:agent_fleet_cpu_usage:ratio_limit",
  memoryRatio: "namespace_pod_container:agent_fleet_memory_working_set:ratio_limit",
} as const;
