/**
 * `report.html`: one self-contained page (uPlot, its CSS and our chart script inlined; no network)
 * with the outcome up top, three charts (traffic per track, requests and errors, p95 latency)
 * marked with every phase change, and tables of phase changes and analysis results (for evidence
 * checks, the records, rates, interval and confidence behind each verdict). The report
 * data sits in the page as JSON (`#report-data`), so the page can be checked against its input.
 * Tables are plain HTML: they read even where scripts do not run. Pure.
 */
import type { AnalysisEntry, PhaseChange, ReleaseReport, ReportSummary } from "./model.ts";

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  chartsJs: string;
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #57606a; margin: 0 0 12px; }
.outcome { padding: 10px 14px; border-radius: 6px; background: #ddf4ff; border: 1px solid #54aeff; }
.outcome.bad { background: #ffebe9; border-color: #ff8182; }
.outcome.good { background: #dafbe1; border-color: #4ac26b; }
dl.summary { display: grid; grid-template-columns: repeat(4, auto); gap: 4px 16px; margin: 14px 0; }
dl.summary dt { color: #57606a; } dl.summary dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; } td.num { font-variant-numeric: tabular-nums; }
.phase-Successful { color: #1a7f37; } .phase-Failed { color: #cf222e; font-weight: 600; } .phase-Inconclusive { color: #57606a; }
.chart { min-height: 280px; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON safe inside a `<script>` element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function inlineScript(source: string, what: string): string {
  if (/<\/script/i.test(source)) throw new Error(`${what} contains "</script" and cannot be inlined`);
  return source;
}

function inlineStyle(source: string): string {
  if (/<\/style/i.test(source)) throw new Error('uPlot CSS contains "</style" and cannot be inlined');
  return source;
}

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

function offset(report: ReleaseReport, t: number): string {
  return `+${((t - report.startedAt) / 1000).toFixed(1)} s`;
}

function outcomeBanner(report: ReleaseReport, summary: ReportSummary): string {
  const last = summary.lastPhase;
  const outcome = report.outcome ?? last?.to ?? "unknown";
  const tone = /abort|degrad|fail|rollback/i.test(outcome)
    ? "bad"
    : /promot|healthy|success/i.test(outcome)
      ? "good"
      : "";
  const why = last
    ? ` — ${escapeHtml(last.to)} at ${clock(last.t)} UTC (${offset(report, last.t)}): ${escapeHtml(last.reason)}${
        last.message ? ` · ${escapeHtml(last.message)}` : ""
      }`
    : "";
  return `<div class="outcome ${tone}" id="outcome"><strong>${escapeHtml(outcome)}</strong>${why}</div>`;
}

function summaryList(summary: ReportSummary): string {
  const items: Array<[string, string]> = [
    ["duration", `${summary.durationSeconds.toFixed(0)} s`],
    [
      "requests",
      summary.failedRequests === null
        ? `≈ ${summary.requests}`
        : `${summary.requests} (${summary.failedRequests} failed)`,
    ],
    ["peak error rate", `${(summary.peakErrorRate * 100).toFixed(1)}%`],
    [
      "peak p95 latency",
      summary.peakP95LatencySeconds === null ? "–" : `${summary.peakP95LatencySeconds.toFixed(3)} s`,
    ],
    ["final weights", `blue ${summary.finalWeights.blue}% · green ${summary.finalWeights.green}%`],
    [
      "analyses",
      `${summary.analyses.Successful} ok · ${summary.analyses.Failed} failed · ${summary.analyses.Inconclusive} inconclusive`,
    ],
  ];
  const body = items.map(([term, value]) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`).join("");
  return `<dl class="summary">${body}</dl>`;
}

function phaseRows(report: ReleaseReport, changes: readonly PhaseChange[]): string {
  return changes
    .map(
      (change, index) =>
        `<tr><td class="num">${index + 1}</td><td class="num">${clock(change.t)}</td><td class="num">${offset(report, change.t)}</td>` +
        `<td>${escapeHtml(change.from ?? "")}</td><td><strong>${escapeHtml(change.to)}</strong></td>` +
        `<td>${escapeHtml(change.reason)}</td><td>${escapeHtml(change.message ?? "")}</td></tr>`,
    )
    .join("\n");
}

/** Evidence statistics are rates (or differences of rates): `2.5%`, `-0.31%`. */
function percentText(value: number): string {
  return `${Number((value * 100).toPrecision(3))}%`;
}

/** Record counts come from extrapolated counter increases, so they may be fractional. */
function recordsText(records: number): string {
  return String(Math.floor(records));
}

/** `canary / stable`; a check without a comparison has no stable side. */
function pairText<T>(canary: T, stable: T | undefined, format: (value: T) => string): string {
  return `${format(canary)} / ${stable === undefined ? "–" : format(stable)}`;
}

/** `2.1% [0.9%, 3.4%] limit 1%`: the quantity held to the limit and the interval around it. */
function statisticText(entry: AnalysisEntry): string {
  if (entry.statistic === undefined) return "";
  const interval = entry.interval
    ? ` [${percentText(entry.interval.lower)}, ${percentText(entry.interval.upper)}]`
    : "";
  const limit = entry.limit === undefined ? "" : ` limit ${percentText(entry.limit)}`;
  return `${percentText(entry.statistic)}${interval}${limit}`;
}

/** The cells behind an evidence verdict; all empty for a value check, which has none of them. */
function evidenceCells(entry: AnalysisEntry): string {
  const cells = [
    entry.samples ? pairText(entry.samples.canary, entry.samples.stable, recordsText) : "",
    entry.canaryValue === undefined ? "" : pairText(entry.canaryValue, entry.stableValue, percentText),
    statisticText(entry),
    entry.confidence === undefined ? "" : percentText(entry.confidence),
  ];
  const numbers = cells.map((cell) => `<td class="num">${escapeHtml(cell)}</td>`).join("");
  return `${numbers}<td>${escapeHtml(entry.inconclusiveReason ?? "")}</td>`;
}

const ANALYSIS_COLUMNS = [
  "time (UTC)",
  "offset",
  "metric",
  "result",
  "value",
  "condition",
  "records (canary / stable)",
  "rate (canary / stable)",
  "statistic [interval] limit",
  "confidence",
  "inconclusive reason",
  "message",
];

function analysisRows(report: ReleaseReport, entries: readonly AnalysisEntry[]): string {
  return entries
    .map(
      (entry) =>
        `<tr><td class="num">${clock(entry.t)}</td><td class="num">${offset(report, entry.t)}</td><td>${escapeHtml(entry.metric)}</td>` +
        `<td class="phase-${entry.phase}">${entry.phase}</td><td class="num">${entry.value ?? "no data"}</td>` +
        `<td>${escapeHtml(entry.condition ?? "")}</td>${evidenceCells(entry)}<td>${escapeHtml(entry.message ?? "")}</td></tr>`,
    )
    .join("\n");
}

export function renderReportHtml(
  report: ReleaseReport,
  summary: ReportSummary,
  assets: ReportAssets,
): string {
  const versions = [report.fromVersion, report.toVersion].filter(Boolean).map((v) => escapeHtml(v ?? ""));
  const meta = [
    `${escapeHtml(report.namespace)}/${escapeHtml(report.agent)}`,
    escapeHtml(report.strategy),
    versions.join(" → "),
    `${new Date(report.startedAt).toISOString()} – ${clock(report.finishedAt)} UTC`,
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${inlineStyle(assets.uplotCss)}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">${meta.join(" · ")}</p>
${outcomeBanner(report, summary)}
${summaryList(summary)}
</header>
<section><h2>Traffic per track</h2><p class="meta">Router weights (solid), share actually served (dashed); dots: analysis results; dashed verticals: phase changes (numbered as in the table).</p><div class="chart" id="chart-traffic"></div></section>
<section><h2>Requests and errors</h2><div class="chart" id="chart-requests"></div></section>
<section><h2>p95 latency</h2><div class="chart" id="chart-latency"></div></section>
<section><h2>Phase changes</h2>
<table id="phase-changes"><thead><tr><th>#</th><th>time (UTC)</th><th>offset</th><th>from</th><th>to</th><th>reason</th><th>message</th></tr></thead>
<tbody>
${phaseRows(report, report.phaseChanges)}
</tbody></table></section>
<section><h2>Analysis results</h2>
<table id="analyses"><thead><tr>${ANALYSIS_COLUMNS.map((column) => `<th>${escapeHtml(column)}</th>`).join("")}</tr></thead>
<tbody>
${analysisRows(report, report.analyses)}
</tbody></table></section>
<script id="report-data" type="application/json">${scriptJson(report)}</script>
<script>${inlineScript(assets.uplotJs, "uPlot")}</script>
<script>${inlineScript(assets.chartsJs, "the chart script")}</script>
</body>
</html>
`;
}
