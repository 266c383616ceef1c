/**
 * The release report from synthetic data of an aborted canary: files on disk, and the HTML page
 * opened in headless Chromium — no errors, one uPlot per chart, the drawn data equal to the input,
 * the phase-change markers on the canvas and the phase-change table complete; and the analysis
 * table showing the statistics behind each evidence verdict.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import type uPlot from "uplot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseReleaseReport,
  type ReleaseReportInput,
  renderReportHtml,
  summarize,
  writeReleaseReport,
} from "../../src/sandbox/report/index.ts";
import { CHROMIUM, launchChromium } from "../support/chromium.ts";

/** What the report page exposes to checks (read inside `page.evaluate`, where only types are erased). */
interface ReportPage {
  reportCharts: Record<"traffic" | "requests" | "latency", uPlot>;
  document: { documentElement: { dataset: Record<string, string | undefined> } };
}
const START = Date.UTC(2026, 0, 15, 12, 0, 0);

function syntheticRelease(): ReleaseReportInput {
  const timeline: ReleaseReportInput["timeline"] = [];
  for (let second = 0; second < 60; second += 1) {
    const green = second < 10 ? 0 : second < 30 ? 5 : second < 45 ? 25 : 0;
    const bad = green > 0 ? 0.3 * (green / 100) : 0;
    timeline.push({
      t: START + second * 1000,
      weights: { blue: 100 - green, green },
      served: { blue: 1 - green / 100, green: green / 100 },
      requestRate: 20 + (second % 3),
      errorRate: bad,
      p95LatencySeconds: second === 5 ? null : 0.004 + green / 10_000,
    });
  }
  const at = (second: number) => START + second * 1000;
  return {
    title: "ingest 1.4.2 → 1.5.0-bad (canary)",
    namespace: "data-processing",
    agent: "ingest",
    strategy: "canary",
    fromVersion: "1.4.2",
    toVersion: "1.5.0-bad",
    outcome: "aborted",
    startedAt: START,
    finishedAt: at(59),
    timeline,
    // Out of order on purpose: the report orders events by time.
    phaseChanges: [
      {
        t: at(45),
        from: "Analysing",
        to: "Aborted",
        reason: "AnalysisFailed",
        message: "error-rate 0.3 >= 0.01 (2 of 1 failures allowed)",
      },
      { t: at(10), from: "Healthy", to: "Progressing", reason: "NewRevision", message: "step 1: weight 5" },
      { t: at(12), from: "Progressing", to: "Analysing", reason: "StepWeightSet" },
      {
        t: at(30),
        from: "Analysing",
        to: "Progressing",
        reason: "AnalysisPassed",
        message: "step 2: weight 25",
      },
      { t: at(32), from: "Progressing", to: "Analysing", reason: "StepWeightSet" },
    ],
    analyses: [
      { t: at(20), metric: "error-rate", phase: "Inconclusive", message: "no data" },
      { t: at(25), metric: "error-rate", phase: "Successful", value: 0.004, condition: "< 0.01" },
      { t: at(38), metric: "error-rate", phase: "Failed", value: 0.3, condition: "< 0.01" },
      { t: at(44), metric: "error-rate", phase: "Failed", value: 0.31, condition: "< 0.01" },
    ],
  };
}

describe("release report input", () => {
  it("rejects a timeline that goes back in time, naming the point", () => {
    const input = syntheticRelease();
    const [first, second] = input.timeline;
    if (first && second) second.t = first.t;
    expect(() => parseReleaseReport(input)).toThrow(/timeline\.1\.t: timeline times must increase/);
  });

  it("counts requests exactly when the load generator's counts are given, else estimates and says so", () => {
    const estimated = summarize(parseReleaseReport(syntheticRelease()));
    // 59 one-second intervals at 20, 21, 22, 20 … requests per second: 20×20 + 20×21 + 19×22.
    expect(estimated).toMatchObject({ requests: 1238, failedRequests: null });
    const exact = summarize(
      parseReleaseReport({ ...syntheticRelease(), load: { requests: 1244, failed: 17 } }),
    );
    expect(exact).toMatchObject({ requests: 1244, failedRequests: 17 });
    expect(() => parseReleaseReport({ ...syntheticRelease(), load: { requests: 3, failed: 4 } })).toThrow(
      /load\.failed: failed exceeds requests/,
    );
  });
});

type AnalysisInput = NonNullable<ReleaseReportInput["analyses"]>[number];

const failedVsStable: AnalysisInput = {
  t: START + 40_000,
  metric: "error-rate-vs-stable",
  phase: "Failed",
  value: 0.021,
  message: "canary <worse> than stable",
  // Counter increases are extrapolated: the canary's records need not be whole.
  samples: { canary: 1200.6, stable: 1180 },
  canaryValue: 0.025,
  stableValue: 0.004,
  statistic: 0.021,
  interval: { lower: 0.0093, upper: 0.034 },
  limit: 0.01,
  confidence: 0.95,
};

const notEnoughEvidence: AnalysisInput = {
  t: START + 20_000,
  metric: "error-rate",
  phase: "Inconclusive",
  value: 0,
  inconclusiveReason: "NotEnoughEvidence",
  samples: { canary: 120 },
  canaryValue: 0,
  statistic: 0,
  interval: { lower: 0, upper: 0.031 },
  limit: 0.01,
  confidence: 0.95,
};

const dataQuality: AnalysisInput = {
  t: START + 30_000,
  metric: "data-quality",
  phase: "Successful",
  value: 0.998,
  condition: ">= 0.99",
};

/** The analysis table's rows, each cell (as HTML) under its column's heading. */
function analysisTable(html: string): Array<Record<string, string>> {
  const table = html.match(/<table id="analyses">([\s\S]*?)<\/table>/)?.[1] ?? "";
  const cells = (row: string, tag: "th" | "td") =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>(.*?)</${tag}>`, "g"))].map((match) => match[1] ?? "");
  const [head = "", ...rows] = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((match) => match[1] ?? "");
  const columns = cells(head, "th");
  return rows.map((row) => Object.fromEntries(cells(row, "td").map((cell, index) => [columns[index], cell])));
}

function renderAnalyses(analyses: AnalysisInput[]): Array<Record<string, string>> {
  const report = parseReleaseReport({ ...syntheticRelease(), analyses });
  return analysisTable(
    renderReportHtml(report, summarize(report), { uplotJs: "", uplotCss: "", chartsJs: "" }),
  );
}

const EVIDENCE_COLUMNS = [
  "records (canary / stable)",
  "rate (canary / stable)",
  "statistic [interval] limit",
  "confidence",
  "inconclusive reason",
];

describe("analysis table", () => {
  it("shows the records, both rates, the interval with its limit and the confidence behind a Failed evidence verdict", () => {
    const [row] = renderAnalyses([failedVsStable]);
    expect(row).toMatchObject({
      metric: "error-rate-vs-stable",
      result: "Failed",
      "records (canary / stable)": "1200 / 1180",
      "rate (canary / stable)": "2.5% / 0.4%",
      "statistic [interval] limit": "2.1% [0.93%, 3.4%] limit 1%",
      confidence: "95%",
      "inconclusive reason": "",
      message: "canary &#60;worse&#62; than stable",
    });
  });

  it("names why an evidence verdict is Inconclusive, and leaves the stable side open without a comparison", () => {
    const [row] = renderAnalyses([notEnoughEvidence]);
    expect(row).toMatchObject({
      result: "Inconclusive",
      "records (canary / stable)": "120 / –",
      "rate (canary / stable)": "0% / –",
      "statistic [interval] limit": "0% [0%, 3.1%] limit 1%",
      confidence: "95%",
      "inconclusive reason": "NotEnoughEvidence",
    });
  });

  it("leaves the evidence cells of a value check empty", () => {
    const rows = renderAnalyses([failedVsStable, dataQuality]);
    const valueCheck = rows.find((row) => row.metric === "data-quality");
    expect(valueCheck).toMatchObject({ result: "Successful", value: "0.998", condition: "&#62;= 0.99" });
    expect(EVIDENCE_COLUMNS.map((column) => valueCheck?.[column])).toEqual(["", "", "", "", ""]);
  });

  it("rejects malformed evidence, naming the field", () => {
    const parse = (entry: Record<string, unknown>) =>
      parseReleaseReport({
        ...syntheticRelease(),
        analyses: [{ ...failedVsStable, ...entry } as AnalysisInput],
      });
    expect(() => parse({ interval: { upper: 0.034 } })).toThrow(/analyses\.0\.interval\.lower:/);
    expect(() => parse({ samples: { stable: 1180 } })).toThrow(/analyses\.0\.samples\.canary:/);
    expect(() => parse({ inconclusiveReason: "Bored" })).toThrow(/analyses\.0\.inconclusiveReason:/);
    expect(() => parse({ confidence: "95%" })).toThrow(/analyses\.0\.confidence:/);
  });
});

describe("release report files and page", () => {
  let dir: string;
  let browser: Browser | undefined;
  const input = syntheticRelease();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-fleet-report-"));
    // Chromium may still be being installed by scripts/install-system-deps.sh.
    for (let waited = 0; !existsSync(CHROMIUM) && waited < 30_000; waited += 500) await sleep(500);
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes report.json and timeseries.csv matching the input", async () => {
    const written = await writeReleaseReport(input, dir);
    const json = JSON.parse(await readFile(written.json, "utf8"));
    expect(json.timeline).toEqual(input.timeline);
    expect(json.phaseChanges.map((change: { to: string }) => change.to)).toEqual([
      "Progressing",
      "Analysing",
      "Progressing",
      "Analysing",
      "Aborted",
    ]);
    expect(json.summary).toMatchObject({
      durationSeconds: 59,
      finalWeights: { blue: 100, green: 0 },
      analyses: { Successful: 1, Failed: 2, Inconclusive: 1 },
      lastPhase: { to: "Aborted", reason: "AnalysisFailed" },
    });

    const csv = (await readFile(written.csv, "utf8")).trimEnd().split("\n");
    expect(csv).toHaveLength(61);
    expect(csv[0]).toBe(
      "time,t_ms,phase,weight_blue,weight_green,served_blue,served_green,request_rate,error_rate,p95_latency_seconds",
    );
    expect(csv[1]).toBe(`2026-01-15T12:00:00.000Z,${START},,100,0,1,0,20,0,0.004`);
    expect(csv[6]?.split(",")[9]).toBe("");
    expect(csv[21]?.split(",").slice(2, 5)).toEqual(["Analysing", "95", "5"]);
    expect(csv[46]?.split(",").slice(2, 5)).toEqual(["Aborted", "100", "0"]);
  });

  it("renders three uPlot charts in Chromium from the embedded data, without errors", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-system-deps.sh`).toBe(true);
    const launched = await launchChromium();
    browser = launched;
    const page = await launched.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));

    await page.goto(pathToFileURL(join(dir, "report.html")).href);
    const ready = () =>
      (globalThis as unknown as ReportPage).document.documentElement.dataset.charts === "ready";
    // A deadline for a hang, not a speed limit: a loaded machine renders slowly.
    await page.waitForFunction(ready, undefined, { timeout: 60_000 });

    expect(problems).toEqual([]);
    // Self-contained: the page itself is the only thing loaded.
    expect(requests.filter((url) => !url.endsWith("/report.html"))).toEqual([]);
    expect(await page.locator(".uplot").count()).toBe(3);
    for (const id of ["chart-traffic", "chart-requests", "chart-latency"]) {
      expect(await page.locator(`#${id} .uplot`).count()).toBe(1);
      expect(await page.locator(`#${id} canvas`).count()).toBe(1);
    }

    const embedded = JSON.parse((await page.locator("#report-data").textContent()) ?? "null");
    expect(embedded).toEqual(parseReleaseReport(input));

    const drawn = await page.evaluate(() => {
      const charts = (globalThis as unknown as ReportPage).reportCharts;
      return {
        traffic: charts.traffic.data.map((column) => [...column]),
        trafficSeries: charts.traffic.series.map((series) => String(series.label)),
        requests: charts.requests.data.map((column) => [...column]),
        latency: charts.latency.data.map((column) => [...column]),
      };
    });
    const times = input.timeline.map((point) => point.t / 1000);
    expect(drawn.traffic[0]).toEqual(times);
    expect(drawn.trafficSeries).toEqual([
      "time (UTC)",
      "weight blue",
      "weight green",
      "served blue",
      "served green",
    ]);
    expect(drawn.traffic[2]).toEqual(input.timeline.map((point) => point.weights.green));
    expect(drawn.requests[1]).toEqual(input.timeline.map((point) => point.requestRate));
    expect(drawn.latency[1]).toEqual(input.timeline.map((point) => point.p95LatencySeconds));

    const rows = page.locator("#phase-changes tbody tr");
    expect(await rows.count()).toBe(5);
    expect(await rows.nth(4).locator("td").allTextContents()).toEqual([
      "5",
      "12:00:45",
      "+45.0 s",
      "Analysing",
      "Aborted",
      "AnalysisFailed",
      "error-rate 0.3 >= 0.01 (2 of 1 failures allowed)",
    ]);
    expect(await page.locator("#analyses tbody tr").count()).toBe(4);
    expect(await page.locator("#outcome").textContent()).toContain(
      "Aborted at 12:00:45 UTC (+45.0 s): AnalysisFailed",
    );
  });

  it("draws the abort marker on the latency chart's canvas", async () => {
    if (!browser) throw new Error("the Chromium test did not run");
    const [page] = browser.contexts()[0]?.pages() ?? [];
    if (!page) throw new Error("no page");
    const markerPixels = await page.evaluate((abortAt) => {
      const chart = (globalThis as unknown as ReportPage).reportCharts.latency;
      const x = Math.round(chart.valToPos(abortAt / 1000, "x", true));
      const { top, height } = chart.bbox;
      const pixels = chart.ctx.getImageData(x, top, 1, height).data;
      let marker = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        // #bc4c00, the marker colour.
        if (pixels[index] === 0xbc && pixels[index + 1] === 0x4c && pixels[index + 2] === 0x00) marker += 1;
      }
      return { marker, height };
    }, START + 45_000);
    // A dashed line: a good part of the plot height, not all of it.
    expect(markerPixels.marker).toBeGreaterThan(markerPixels.height * 0.3);
    expect(markerPixels.marker).toBeLessThan(markerPixels.height);
  });

  it("labels the time axis in whole seconds, even for a release of a few seconds", async () => {
    if (!browser) throw new Error("the Chromium test did not run");
    const short = syntheticRelease();
    short.timeline = short.timeline.slice(0, 4).map((point, index) => ({ ...point, t: START + index * 500 }));
    Object.assign(short, { finishedAt: START + 1500, phaseChanges: [], analyses: [] });
    const shortDir = join(dir, "short");
    await writeReleaseReport(short, shortDir);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(join(shortDir, "report.html")).href);
    await page.waitForFunction(
      () => (globalThis as unknown as ReportPage).document.documentElement.dataset.charts === "ready",
    );
    // uPlot keeps the tick labels it drew on the axis.
    const labels = await page.evaluate(() =>
      Object.values((globalThis as unknown as ReportPage).reportCharts).map(
        (chart) => (chart.axes[0] as unknown as { _values: string[] })._values,
      ),
    );
    for (const axis of labels) {
      expect(axis.length).toBeGreaterThan(0);
      for (const label of axis) expect(label).toMatch(/^12:00:0[0-2]$/);
      expect(new Set(axis).size).toBe(axis.length);
    }
    await page.close();
  });
});
