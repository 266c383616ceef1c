/**
 * Pure analysis arithmetic: one query outcome → a measurement, a tick's measurements → one
 * verdict, the running tally → pass / fail / too many inconclusive. No data is never a success.
 */
import type { AnalysisMetric, AnalysisSpec, Measurement } from "../../crd/agentRollout.ts";

export type MeasurementPhase = Measurement["phase"];

/** What running one query produced. */
export type QueryOutcome =
  | { kind: "value"; value: number }
  | { kind: "noData"; message: string }
  | { kind: "rejected"; message: string }
  | { kind: "unavailable"; message: string };

export function conditionHolds(
  value: number,
  condition: AnalysisMetric["condition"],
  threshold: number,
): boolean {
  switch (condition) {
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
  }
}

export function measure(
  metric: AnalysisMetric,
  outcome: QueryOutcome,
  noData: AnalysisSpec["noData"],
  at: string,
): Measurement {
  switch (outcome.kind) {
    case "value": {
      const ok = conditionHolds(outcome.value, metric.condition, metric.threshold);
      const message = `${metric.name} = ${formatValue(outcome.value)} (must be ${metric.condition} ${metric.threshold})`;
      return { metric: metric.name, phase: ok ? "Successful" : "Failed", value: outcome.value, message, at };
    }
    case "noData":
      return {
        metric: metric.name,
        phase: noData === "failure" ? "Failed" : "Inconclusive",
        message: `no data: ${outcome.message}`,
        at,
      };
    case "rejected":
      return { metric: metric.name, phase: "Inconclusive", message: `query failed: ${outcome.message}`, at };
    case "unavailable":
      return {
        metric: metric.name,
        phase: "Inconclusive",
        message: `provider unavailable: ${outcome.message}`,
        at,
      };
  }
}

export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** A tick fails if any metric failed, is inconclusive if any was, and succeeds only if all did. */
export function tickVerdict(measurements: readonly Measurement[]): MeasurementPhase {
  if (measurements.some((m) => m.phase === "Failed")) return "Failed";
  if (measurements.length === 0 || measurements.some((m) => m.phase === "Inconclusive"))
    return "Inconclusive";
  return "Successful";
}

export interface AnalysisTally {
  successes: number;
  failures: number;
  inconclusives: number;
}

export type AnalysisVerdict = "Running" | "Passed" | "Failed" | "Inconclusive";

/** `failureLimit` / `inconclusiveLimit` are how many are tolerated: one more ends the analysis. */
export function analysisVerdict(spec: AnalysisSpec, tally: AnalysisTally): AnalysisVerdict {
  if (tally.failures > spec.failureLimit) return "Failed";
  if (tally.inconclusives > spec.inconclusiveLimit) return "Inconclusive";
  if (tally.successes >= spec.count) return "Passed";
  return "Running";
}

export function addTick(tally: AnalysisTally, verdict: MeasurementPhase): AnalysisTally {
  return {
    successes: tally.successes + (verdict === "Successful" ? 1 : 0),
    failures: tally.failures + (verdict === "Failed" ? 1 : 0),
    inconclusives: tally.inconclusives + (verdict === "Inconclusive" ? 1 : 0),
  };
}
