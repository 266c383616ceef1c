/**
 * The evidence queries evaluated by the real Prometheus engine (`promtool test rules`): per track,
 * the records processed and failed and the latency bucket counts over the window come out as the
 * synthetic series were built, summed over the track's pods and blind to every other series.
 */
import { describe, expect, it } from "vitest";
import { evidenceQueries, evidenceWindow, renderQuery } from "../../src/contract/analysisQueries.ts";
import { promqlExprTest, type Series } from "./support/promqlTest.ts";

const labels = (track: string, pod: string, agent = "ingest") =>
  `namespace="data-processing",agent="${agent}",track="${track}",pod="${pod}"`;

/** A pod's counters and histogram, each growing by a fixed amount per minute (after `startMinute` of no series). */
function pod(
  track: string,
  name: string,
  perMinute: { processed: number; failed: number; buckets: Record<string, number> },
  options: { agent?: string; startMinute?: number; minutes?: number } = {},
): Series[] {
  const gap = options.startMinute ? `_x${options.startMinute} ` : "";
  const steps = (options.minutes ?? 20) - (options.startMinute ?? 0);
  const grow = (count: number) => `${gap}0+${count}x${steps}`;
  const selector = labels(track, name, options.agent);
  return [
    { series: `agent_records_processed_total{${selector}}`, values: grow(perMinute.processed) },
    { series: `agent_records_failed_total{${selector}}`, values: grow(perMinute.failed) },
    ...Object.entries(perMinute.buckets).map(([le, count]) => ({
      series: `agent_processing_latency_seconds_bucket{${selector},le="${le}"}`,
      values: grow(count),
    })),
  ];
}

function promtool(inputs: Series[], expectations: unknown[]): string {
  const { status, output } = promqlExprTest(inputs, expectations);
  return `${status} ${output}`;
}

const track = (name: string) => ({ namespace: "data-processing", agent: "ingest", track: name });

describe("evidence queries (counts per track over the analysis window)", () => {
  const queries = evidenceQueries(evidenceWindow(600));
  const query = (name: keyof typeof queries, trackName: string) =>
    renderQuery(queries[name], track(trackName));
  const inputs = [
    // Canary: two pods, 100 records a minute of which 4 fail.
    ...pod("green", "green-0", {
      processed: 60,
      failed: 3,
      buckets: { "0.1": 30, "0.5": 54, "1": 57, "+Inf": 60 },
    }),
    ...pod("green", "green-1", {
      processed: 40,
      failed: 1,
      buckets: { "0.1": 20, "0.5": 36, "1": 40, "+Inf": 40 },
    }),
    // Stable: one pod, 1000 a minute, 5 failing.
    ...pod("blue", "blue-0", {
      processed: 1000,
      failed: 5,
      buckets: { "0.1": 900, "0.5": 950, "1": 990, "+Inf": 1000 },
    }),
    // Another agent's canary, much worse: must not leak into ingest's counts.
    ...pod(
      "green",
      "other-0",
      { processed: 500, failed: 500, buckets: { "0.1": 0, "+Inf": 500 } },
      { agent: "other" },
    ),
  ];

  it("counts each track's records processed, failed and per latency bucket over the window", () => {
    const at10m = (expr: string, samples: Array<{ labels: string; value: number }>) => ({
      expr,
      eval_time: "10m",
      exp_samples: samples,
    });
    const buckets = (counts: Record<string, number>) =>
      Object.entries(counts).map(([le, value]) => ({ labels: `{le="${le}"}`, value }));
    const output = promtool(inputs, [
      at10m(query("processed", "green"), [{ labels: "{}", value: 1000 }]),
      at10m(query("failed", "green"), [{ labels: "{}", value: 40 }]),
      at10m(query("processed", "blue"), [{ labels: "{}", value: 10000 }]),
      at10m(query("failed", "blue"), [{ labels: "{}", value: 50 }]),
      at10m(query("latencyBuckets", "green"), buckets({ "0.1": 500, "0.5": 900, "1": 970, "+Inf": 1000 })),
      at10m(query("latencyBuckets", "blue"), buckets({ "0.1": 9000, "0.5": 9500, "1": 9900, "+Inf": 10000 })),
    ]);
    expect(output).toContain("SUCCESS");
  });

  it("counts only what a canary started mid-window processed, and nothing for a track without series", () => {
    const late = pod(
      "green",
      "green-0",
      { processed: 60, failed: 6, buckets: { "+Inf": 60 } },
      { startMinute: 5 },
    );
    const output = promtool(late, [
      { expr: query("processed", "green"), eval_time: "10m", exp_samples: [{ labels: "{}", value: 300 }] },
      { expr: query("failed", "green"), eval_time: "10m", exp_samples: [{ labels: "{}", value: 30 }] },
      // No stable series at all: no sample, which the provider reports as no data, never as 0.
      { expr: query("processed", "blue"), eval_time: "10m", exp_samples: [] },
    ]);
    expect(output).toContain("SUCCESS");
  });

  it("finds the first minute's records only when the window reaches one scrape back before the start", () => {
    // Scraped every minute; the canary pod idles at 0 until its traffic starts at 5m10s, between
    // two scrapes, as a step starts whenever its weights are in place. The first look is at 6m.
    const selector = labels("green", "green-0");
    const idleThenBusy = [
      { series: `agent_records_processed_total{${selector}}`, values: "0x4 0+60x5" },
      { series: `agent_records_failed_total{${selector}}`, values: "0x4 0+6x5" },
    ];
    const firstLook = (window: string, name: "processed" | "failed") =>
      renderQuery(evidenceQueries(window)[name], track("green"));
    const output = promtool(idleThenBusy, [
      // One scrape since the start: a window of just the elapsed time holds one sample, so no data.
      { expr: firstLook(evidenceWindow(50), "processed"), eval_time: "6m", exp_samples: [] },
      // With the lookback it holds the idle sample too: the exact count, no extrapolation.
      {
        expr: firstLook(evidenceWindow(50, 60), "processed"),
        eval_time: "6m",
        exp_samples: [{ labels: "{}", value: 60 }],
      },
      {
        expr: firstLook(evidenceWindow(50, 60), "failed"),
        eval_time: "6m",
        exp_samples: [{ labels: "{}", value: 6 }],
      },
    ]);
    expect(output).toContain("SUCCESS");
  });

  it("renders the window into every query and keeps the track placeholders", () => {
    expect(evidenceWindow(61.2)).toBe("62s");
    expect(evidenceWindow(0)).toBe("1s");
    expect(evidenceWindow(61.2, 1)).toBe("63s");
    const templates = evidenceQueries("90s");
    expect(
      Object.values(templates).every((q) => q.includes('track="{{track}}"') && q.includes("[90s]")),
    ).toBe(true);
    expect(templates.latencyBuckets).toBe(
      'sum by (le) (increase(agent_processing_latency_seconds_bucket{namespace="{{namespace}}",agent="{{agent}}",track="{{track}}"}[90s]))',
    );
  });
});
