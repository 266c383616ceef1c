/**
 * PromQL analysis templates over the agent metric contract, scoped to one track by the
 * `{{namespace}}`, `{{agent}}` and `{{track}}` placeholders. The Pulumi side builds the
 * AgentRollout's `analysis.metrics` with `defaultAnalysisMetrics`; the controller renders them
 * with `renderQuery` for the track under test.
 */
import { AGENT_METRICS, bucketsOf } from "./metrics.ts";

/** One check: the query's value must satisfy `<condition> threshold`. */
export interface AnalysisQuery {
  name: string;
  query: string;
  condition: "<" | "<=" | ">" | ">=";
  threshold: number;
}

/** What the default checks are built from (the stack's `analysis` settings). */
export interface AnalysisThresholds {
  intervalSeconds: number;
  maxErrorRate: number;
  maxLatencyP95Seconds: number;
  minDataQuality: number;
  /** Prometheus' scrape interval of the agents. @default 30 */
  scrapeIntervalSeconds?: number;
}

export const PLACEHOLDERS = ["namespace", "agent", "track"] as const;
export type QueryVariables = Record<(typeof PLACEHOLDERS)[number], string>;

const TRACK_SELECTOR = 'namespace="{{namespace}}",agent="{{agent}}",track="{{track}}"';

/**
 * Rate window: the analysis interval, at least 1m and two scrape intervals, so two scrapes always
 * fall inside it, also in Prometheus 3, whose ranges are left-open ((t − w, t]): a window of one
 * scrape interval holds one sample there and `rate()` returns nothing.
 */
export function rateWindow(intervalSeconds: number, scrapeIntervalSeconds = 30): string {
  return `${Math.max(60, Math.ceil(intervalSeconds), Math.ceil(2 * scrapeIntervalSeconds))}s`;
}

/** The three default checks: error rate, p95 latency and data quality of the track under test. */
export function defaultAnalysisMetrics(analysis: AnalysisThresholds): AnalysisQuery[] {
  const window = rateWindow(analysis.intervalSeconds, analysis.scrapeIntervalSeconds);
  return [
    {
      name: "error-rate",
      query:
        `sum(rate(${AGENT_METRICS.failed}{${TRACK_SELECTOR}}[${window}]))` +
        ` / sum(rate(${AGENT_METRICS.processed}{${TRACK_SELECTOR}}[${window}]))`,
      condition: "<=",
      threshold: analysis.maxErrorRate,
    },
    {
      name: "latency-p95",
      query: `histogram_quantile(0.95, sum by (le) (rate(${bucketsOf(AGENT_METRICS.latency)}{${TRACK_SELECTOR}}[${window}])))`,
      condition: "<=",
      threshold: analysis.maxLatencyP95Seconds,
    },
    {
      name: "data-quality",
      // The worst pod counts: one pod emitting bad data is exactly what a canary must catch.
      query: `min(${AGENT_METRICS.quality}{${TRACK_SELECTOR}})`,
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

/**
 * The evidence queries of the canary statistics (src/controller/analysis/statistics): counts, not
 * ratios, so the verdict can weigh how many records stand behind a rate. Each is a template for
 * one track (`{{namespace}}`, `{{agent}}`, `{{track}}`), run for the canary and the stable track
 * with the same window at the same evaluation time.
 */
export interface EvidenceQueries {
  /** One scalar: records processed in the window. */
  processed: string;
  /** One scalar: records failed in the window. */
  failed: string;
  /** One sample per `le` label: cumulative latency bucket counts in the window. */
  latencyBuckets: string;
}

/**
 * The window of the evidence queries: the whole time since the analysis started (the release or
 * the step), in whole seconds. The statistics' intervals hold at every look only over counts
 * cumulative from a fixed start; a sliding window would restart the evidence at every look.
 *
 * `lookbackSeconds` (one scrape interval) reaches back before the start, so the window holds the
 * counters' last sample from before the first canary record: `increase()` needs two samples, and
 * without that one the first look after the start finds none and later looks extrapolate.
 * Nothing is counted twice: before the start the canary track had no traffic.
 */
export function evidenceWindow(elapsedSeconds: number, lookbackSeconds = 0): string {
  return `${Math.max(1, Math.ceil(elapsedSeconds + lookbackSeconds))}s`;
}

/**
 * How many of a track's pods Prometheus scrapes now: one `processed` counter series per pod. The
 * release's first canary traffic waits for it (src/controller/rollout/scrapeGate.ts).
 */
export const SCRAPED_PODS_QUERY = `count(${AGENT_METRICS.processed}{${TRACK_SELECTOR}})`;

/** The three count queries over `[window]`, e.g. `evidenceQueries(evidenceWindow(elapsed))`. */
export function evidenceQueries(window: string): EvidenceQueries {
  const increase = (metric: string) => `increase(${metric}{${TRACK_SELECTOR}}[${window}])`;
  return {
    processed: `sum(${increase(AGENT_METRICS.processed)})`,
    failed: `sum(${increase(AGENT_METRICS.failed)})`,
    latencyBuckets: `sum by (le) (${increase(bucketsOf(AGENT_METRICS.latency))})`,
  };
}
