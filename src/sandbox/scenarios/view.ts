/**
 * Terminal output of a scenario: a live view of the running release (redrawn in place on a TTY,
 * one line per change otherwise) and the final summary table.
 */

import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { table } from "../../text/table.ts";
import type { ReleaseRecord, ReleaseTick } from "./releaseRun.ts";
import type { ScenarioResult } from "./run.ts";

function weightsText(status: AgentRolloutStatus): string {
  const weights = status.weights;
  return weights ? `blue ${weights.blue}% / green ${weights.green}%` : "-";
}

function analysisText(status: AgentRolloutStatus): string {
  const latest = new Map<string, string>();
  for (const measurement of status.analysis?.lastMeasurements ?? []) {
    const value =
      measurement.value === undefined ? "no data" : Number(measurement.value.toPrecision(3)).toString();
    latest.set(
      measurement.metric,
      `${measurement.metric} ${value} ${measurement.phase === "Successful" ? "✓" : measurement.phase === "Failed" ? "✗" : "?"}`,
    );
  }
  return [...latest.values()].join(", ") || "-";
}

export function tickLines(tick: ReleaseTick): string[] {
  const { status, step } = tick;
  const stepText = status.currentStepIndex === undefined ? "-" : String(status.currentStepIndex + 1);
  const success = tick.successRate === undefined ? "-" : `${(tick.successRate * 100).toFixed(2)}%`;
  return [
    `release  ${step.agent} → ${step.version}   (${(tick.elapsedMs / 1000).toFixed(1)} s)`,
    `phase    ${status.phase ?? "-"}   step ${stepText}   active ${status.activeTrack ?? "-"}   weights ${weightsText(status)}`,
    `analysis ${analysisText(status)}`,
    `traffic  ${tick.requests} requests, success (last 5 s) ${success}`,
    `why      ${status.message ?? "-"}`,
  ];
}

/** Redraws in place on a TTY; elsewhere prints a line when phase, step or weights change. */
export function liveView(stream: NodeJS.WriteStream) {
  let drawn = 0;
  let lastKey = "";
  return {
    tick(tick: ReleaseTick) {
      const lines = tickLines(tick);
      if (stream.isTTY) {
        if (drawn > 0) stream.write(`\x1b[${drawn}A`);
        stream.write(
          `${lines.map((line) => `\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`).join("\n")}\n`,
        );
        drawn = lines.length;
        return;
      }
      const key = `${tick.status.phase}|${tick.status.currentStepIndex}|${weightsText(tick.status)}`;
      if (key !== lastKey) stream.write(`${lines[1]}  · ${tick.status.message ?? ""}\n`);
      lastKey = key;
    },
    /** Leaves the last frame on screen and starts below it. */
    release() {
      drawn = 0;
      lastKey = "";
    },
  };
}

function releaseRow(record: ReleaseRecord, reportDir: string | undefined): string[] {
  const failed = record.samples.filter((sample) => !sample.ok).length;
  const total = record.samples.length;
  const expected = record.outcome === record.step.expect ? "✓" : "✗";
  return [
    `${record.step.agent} → ${record.step.version}`,
    record.report.strategy,
    `${record.outcome} ${expected}`,
    `${(record.durationMs / 1000).toFixed(1)} s`,
    String(total),
    total ? `${(((total - failed) / total) * 100).toFixed(2)}%` : "-",
    weightsText(record.finalStatus),
    reportDir ?? "-",
  ];
}

export function summaryTable(result: ScenarioResult, reportDirs: readonly string[]): string {
  const rows = result.releases.map((record, index) => releaseRow(record, reportDirs[index]));
  // A scenario without releases (`alert`) has no table to show.
  const lines =
    rows.length > 0
      ? [
          table(
            ["RELEASE", "STRATEGY", "OUTCOME", "TIME", "REQUESTS", "SUCCESS", "FINAL WEIGHTS", "REPORT"],
            rows,
          ),
        ]
      : [];
  if (result.alert) {
    const { alert } = result;
    lines.push(
      alert.delivered
        ? `alert    ${alert.alertname} for ${alert.agent} delivered to the webhook sink (receiver ${alert.delivered.notification.receiver}, severity ${alert.delivered.alert.labels.severity}) ${((alert.latencyMs ?? 0) / 1000).toFixed(1)} s after the faulty version went out ✓`
        : `alert    ${alert.alertname} for ${alert.agent} NOT delivered ✗`,
    );
  }
  return lines.join("\n");
}

/** True when every release ended as expected and any alert arrived. */
export function scenarioPassed(result: ScenarioResult): boolean {
  return (
    result.releases.every((record) => record.outcome === record.step.expect) &&
    (result.alert === undefined || result.alert.delivered !== undefined)
  );
}
