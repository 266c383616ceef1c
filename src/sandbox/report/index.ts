/** Release reports of sandbox scenarios: JSON, CSV and one self-contained HTML page with charts. */
export { CSV_COLUMNS, phaseAt, renderTimeseriesCsv } from "./csv.ts";
export { renderReportHtml } from "./html.ts";
export {
  type AnalysisEntry,
  type AnalysisEvidence,
  EVIDENCE_FIELDS,
  type PhaseChange,
  parseReleaseReport,
  type ReleaseReport,
  type ReleaseReportInput,
  type ReportSummary,
  summarize,
  type TimelinePoint,
} from "./model.ts";
export { loadReportAssets, type WrittenReport, writeReleaseReport } from "./write.ts";
