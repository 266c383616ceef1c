/** `timeseries.csv`: one row per timeline point, with the phase in effect at that time. Pure. */
import type { PhaseChange, ReleaseReport } from "./model.ts";

export const CSV_COLUMNS = [
  "time",
  "t_ms",
  "phase",
  "weight_blue",
  "weight_green",
  "served_blue",
  "served_green",
  "request_rate",
  "error_rate",
  "p95_latency_seconds",
] as const;

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The phase entered last at or before `t` (changes ordered by time). */
export function phaseAt(changes: readonly PhaseChange[], t: number): string | undefined {
  let phase: string | undefined;
  for (const change of changes) {
    if (change.t > t) break;
    phase = change.to;
  }
  return phase;
}

export function renderTimeseriesCsv(report: ReleaseReport): string {
  const rows = report.timeline.map((point) =>
    [
      new Date(point.t).toISOString(),
      point.t,
      phaseAt(report.phaseChanges, point.t),
      point.weights.blue,
      point.weights.green,
      point.served?.blue,
      point.served?.green,
      point.requestRate,
      point.errorRate,
      point.p95LatencySeconds,
    ]
      .map(cell)
      .join(","),
  );
  return `${[CSV_COLUMNS.join(","), ...rows].join("\n")}\n`;
}
