/**
 * Writes a release report into a directory: `report.json` (the checked input plus its summary),
 * `timeseries.csv` and the self-contained `report.html`.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { renderTimeseriesCsv } from "./csv.ts";
import { type ReportAssets, renderReportHtml } from "./html.ts";
import {
  parseReleaseReport,
  type ReleaseReport,
  type ReleaseReportInput,
  type ReportSummary,
  summarize,
} from "./model.ts";

export interface WrittenReport {
  json: string;
  csv: string;
  html: string;
  report: ReleaseReport;
  summary: ReportSummary;
}

const require = createRequire(import.meta.url);

/** uPlot from node_modules and our chart script, read once per call (a few hundred KB). */
export async function loadReportAssets(): Promise<ReportAssets> {
  const [uplotJs, uplotCss, chartsJs] = await Promise.all([
    readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    readFile(new URL("./charts.browser.js", import.meta.url), "utf8"),
  ]);
  return { uplotJs, uplotCss, chartsJs };
}

export async function writeReleaseReport(input: ReleaseReportInput, outDir: string): Promise<WrittenReport> {
  const report = parseReleaseReport(input);
  const summary = summarize(report);
  const assets = await loadReportAssets();
  await mkdir(outDir, { recursive: true });
  const files = {
    json: join(outDir, "report.json"),
    csv: join(outDir, "timeseries.csv"),
    html: join(outDir, "report.html"),
  };
  await Promise.all([
    writeFile(files.json, `${JSON.stringify({ ...report, summary }, null, 2)}\n`),
    writeFile(files.csv, renderTimeseriesCsv(report)),
    writeFile(files.html, renderReportHtml(report, summary, assets)),
  ]);
  return { ...files, report, summary };
}
