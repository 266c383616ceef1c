/**
 * Recording rules over the agent metric contract: one series per `namespace`+`agent` for every
 * signal the alerts and dashboards read. Label-based: nothing here mentions an agent by name.
 */

import { AGENT_METRICS } from "../../../contract/metrics.ts";
import { AGENT_GROUPING, AGENT_TARGETS, ANY_AGENT_SERIES, RECORDED } from "../metrics.ts";
import type { RecordingRule, RuleGroup } from "./ruleTypes.ts";

const M = AGENT_METRICS;
const by = `by (${AGENT_GROUPING})`;

function latencyQuantile(quantile: number, name: "p50" | "p95" | "p99"): RecordingRule {
  return {
    record: RECORDED.latencyQuantile(name),
    expr: `histogram_quantile(${quantile}, sum by (${AGENT_GROUPING}, le) (rate(${M.latency}_bucket[5m])))`,
  };
}

export function agentSignalRules(): RuleGroup {
  return {
    name: "agent-fleet.agents.signals",
    rules: [
      { record: RECORDED.processedRate, expr: `sum ${by} (rate(${M.processed}[5m]))` },
      { record: RECORDED.failedRate, expr: `sum ${by} (rate(${M.failed}[5m]))` },
      // Without traffic the ratio is undefined: no series rather than NaN.
      { record: RECORDED.errorRatio, expr: `${RECORDED.failedRate} / (${RECORDED.processedRate} > 0)` },
      latencyQuantile(0.5, "p50"),
      latencyQuantile(0.95, "p95"),
      latencyQuantile(0.99, "p99"),
      { record: RECORDED.inputQueue, expr: `sum ${by} (${M.inputQueue})` },
      // The worst pod decides: one replica writing bad output is bad output.
      { record: RECORDED.quality, expr: `min ${by} (${M.quality})` },
      { record: RECORDED.health, expr: `max ${by} (${M.health})` },
      // Scrape targets carry the pod's agent labels even while its scrapes fail, so a crash-looping
      // pod stays mapped (its CPU and memory alerts matter most then); contract series cover
      // agents scraped another way.
      {
        record: RECORDED.podInfo,
        expr: `group by (namespace, pod, agent, environment) (${AGENT_TARGETS} or ${ANY_AGENT_SERIES})`,
      },
    ],
  };
}
