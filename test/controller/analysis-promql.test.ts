/**
 * The analysis templates evaluated by the real Prometheus engine (`promtool test rules`): each
 * query reads only the track under test and computes what its name says.
 */
import { describe, expect, it } from "vitest";
import { selectedGeneration } from "../../harness/monitoringGeneration.ts";
import { defaultAnalysisMetrics, renderQuery } from "../../src/contract/analysisQueries.ts";
import { analysis } from "./support/fixtures.ts";
import { promqlExprTest } from "./support/promqlTest.ts";

const labels = (track: string, pod: string) =>
  `namespace="data-processing",agent="ingest",track="${track}",pod="${pod}"`;

/** Scrapes every 30 s (monitoring.scrapeInterval's default) for 10 minutes, `perScrape` more each time. */
const counter = (perScrape: number) => `0+${perScrape}x20`;

function histogram(
  track: string,
  perScrape: Record<string, number>,
): Array<{ series: string; values: string }> {
  return Object.entries(perScrape).map(([le, count]) => ({
    series: `agent_processing_latency_seconds_bucket{${labels(track, `${track}-0`)},le="${le}"}`,
    values: counter(count),
  }));
}

const CANARY = { namespace: "data-processing", agent: "ingest", track: "green" };
const metrics = analysis().metrics;
const query = (name: string) =>
  renderQuery(metrics.find((metric) => metric.name === name)?.query ?? "", CANARY);

/** The canary failing 10 % of its records, scraped once a minute for 10 minutes. */
const oneMinuteScrapes = [
  { series: `agent_records_processed_total{${labels("green", "green-0")}}`, values: "0+600x10" },
  { series: `agent_records_failed_total{${labels("green", "green-0")}}`, values: "0+60x10" },
];

describe("analysis PromQL templates", () => {
  it("computes error rate, p95 latency and worst data quality of the canary track only", () => {
    const inputs = [
      { series: `agent_records_processed_total{${labels("green", "green-0")}}`, values: counter(300) },
      { series: `agent_records_failed_total{${labels("green", "green-0")}}`, values: counter(30) },
      // The stable track is much worse: it must not leak into the canary's numbers.
      { series: `agent_records_processed_total{${labels("blue", "blue-0")}}`, values: counter(300) },
      { series: `agent_records_failed_total{${labels("blue", "blue-0")}}`, values: counter(150) },
      ...histogram("green", { "0.1": 30, "0.5": 270, "1": 300, "+Inf": 300 }),
      ...histogram("blue", { "0.1": 0, "0.5": 0, "1": 0, "+Inf": 300 }),
      { series: `agent_data_quality_score{${labels("green", "green-0")}}`, values: "0.99x20" },
      { series: `agent_data_quality_score{${labels("green", "green-1")}}`, values: "0.97x20" },
      { series: `agent_data_quality_score{${labels("blue", "blue-0")}}`, values: "0.5x20" },
    ];
    const expectations = [
      { expr: query("error-rate"), eval_time: "10m", exp_samples: [{ labels: "{}", value: 0.1 }] },
      { expr: query("latency-p95"), eval_time: "10m", exp_samples: [{ labels: "{}", value: 0.75 }] },
      { expr: query("data-quality"), eval_time: "10m", exp_samples: [{ labels: "{}", value: 0.97 }] },
    ];
    const result = promqlExprTest(inputs, expectations, "30s");
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  // Why the rate window must span more than one scrape interval: Prometheus 3 made range
  // selectors left-open, (t − 1m, t], so a 1m window over scrapes 1m apart holds one sample and
  // rate() has nothing; Prometheus 2's closed [t − 1m, t] caught two when they lined up exactly.
  it("has no error rate from a 1m window over 1m scrapes on Prometheus 3 (left-open ranges)", () => {
    const closedRange = selectedGeneration() === "debian";
    const result = promqlExprTest(oneMinuteScrapes, [
      {
        expr: query("error-rate"),
        eval_time: "10m",
        exp_samples: closedRange ? [{ labels: "{}", value: 0.1 }] : [],
      },
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("widens the window to two scrape intervals, so 1m scrapes have an error rate on every generation", () => {
    const [errorRate] = defaultAnalysisMetrics({
      intervalSeconds: 30,
      maxErrorRate: 0.01,
      maxLatencyP95Seconds: 1,
      minDataQuality: 0.9,
      scrapeIntervalSeconds: 60,
    });
    expect(errorRate?.query).toContain("[120s]");
    const expr = renderQuery(errorRate?.query ?? "", CANARY);
    const result = promqlExprTest(
      oneMinuteScrapes,
      [{ expr, eval_time: "10m", exp_samples: [{ labels: "{}", value: 0.1 }] }],
      "1m",
    );
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("builds the three checks from the stack config's thresholds", () => {
    const metrics = defaultAnalysisMetrics({
      intervalSeconds: 120,
      maxErrorRate: 0.02,
      maxLatencyP95Seconds: 1.5,
      minDataQuality: 0.9,
    });
    expect(metrics.map((m) => [m.name, m.condition, m.threshold])).toEqual([
      ["error-rate", "<=", 0.02],
      ["latency-p95", "<=", 1.5],
      ["data-quality", ">=", 0.9],
    ]);
    expect(metrics[0]?.query).toContain("[120s]");
    expect(metrics.every((m) => m.query.includes('track="{{track}}"'))).toBe(true);
    expect(() => renderQuery('up{x="{{pod}}"}', { namespace: "n", agent: "a", track: "blue" })).toThrow(
      /unknown placeholder \{\{pod\}\}/,
    );
  });
});
