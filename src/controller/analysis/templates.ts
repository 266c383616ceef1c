/**
 * PromQL templates of the default release analysis, from the metric contract. Placeholders
 * `{{namespace}}`, `{{agent}}`, `{{track}}` are filled by the controller with the track under
 * test, so only the new version's series are judged.
 */
import type { Analysis } from "../../config/index.ts";
import type { AnalysisMetric } from "../../crd/agentRollout.ts";

const TRACK_SELECTOR = 'namespace="{{namespace}}",agent="{{agent}}",track="{{track}}"';

/** Rates over one analysis interval: each measurement judges only what happened since the last. */
export function defaultAnalysisMetrics(analysis: Analysis): AnalysisMetric[] {
  const window = analysis.interval;
  return [
    {
      name: "error-rate",
      query: `sum(rate(agent_records_failed_total{${TRACK_SELECTOR}}[${window}])) / sum(rate(agent_records_processed_total{${TRACK_SELECTOR}}[${window}]))`,
      condition: "<=",
      threshold: analysis.maxErrorRate,
    },
    {
      name: "latency-p95",
      query: `histogram_quantile(0.95, sum by (le) (rate(agent_processing_latency_seconds_bucket{${TRACK_SELECTOR}}[${window}])))`,
      condition: "<=",
      threshold: analysis.maxLatencyP95Seconds,
    },
    {
      name: "data-quality",
      query: `min(agent_data_quality_score{${TRACK_SELECTOR}})`,
      condition: ">=",
      threshold: analysis.minDataQuality,
    },
  ];
}
