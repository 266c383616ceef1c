/**
 * PromQL analysis templates over the agent metric contract, scoped to one track by the
 * `{{namespace}}`, `{{agent}}` and `{{track}}` placeholders. The Pulumi side builds the
 * AgentRollout's `analysis.metrics` with `defaultAnalysisMetrics`; the controller renders them
 * with `renderQuery` for the track under test.
 */

import { parseDuration } from "../../config/quantity.ts";
import type { Analysis } from "../../config/schema.ts";
import type { AnalysisMetric } from "../../crd/agentRollout.ts";

export const PLACEHOLDERS = ["namespace", "agent", "track"] as const;
export type QueryVariables = Record<(typeof PLACEHOLDERS)[number], string>;

const TRACK_SELECTOR = 'namespace="{{namespace}}",agent="{{agent}}",track="{{track}}"';

/** Rate window: the analysis interval, at least 1m so two scrapes always fall inside it. */
export function rateWindow(intervalSeconds: number): string {
  return `${Math.max(60, Math.ceil(intervalSeconds))}s`;
}

/** The three default checks: error rate, p95 latency and data quality of the track under test. */
export function defaultAnalysisMetrics(analysis: Analysis): AnalysisMetric[] {
  const window = rateWindow(parseDuration(analysis.interval) ?? 60);
  return [
    {
      name: "error-rate",
      query:
        `sum(rate(agent_records_failed_total{${TRACK_SELECTOR}}[${window}]))` +
        ` / sum(rate(agent_records_processed_total{${TRACK_SELECTOR}}[${window}]))`,
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
      // The worst pod counts: one pod emitting bad data is exactly what a canary must catch.
      query: `min(agent_data_quality_score{${TRACK_SELECTOR}})`,
      condition: ">=",
      threshold: analysis.minDataQuality,
    },
  ];
}

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
}

/** Fills the placeholders; unknown placeholders are an error rather than a silently wrong query. */
export function renderQuery(template: string, variables: QueryVariables): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new Error(
        `unknown placeholder {{${name}}} in analysis query (known: ${PLACEHOLDERS.join(", ")})`,
      );
    }
    return escapeLabelValue(variables[name as keyof QueryVariables]);
  });
}
