/**
 * What a release report is made of: a timeline sampled during the release (traffic weights per
 * track, request rate, error rate, p95 latency, and optionally who actually served the requests),
 * the analysis measurements, and the phase changes with their reasons. One zod schema checks the
 * input, so a report never silently draws half a release.
 */
import { z } from "zod";
import { measurementSchema } from "../../crd/agentRollout.ts";

const trackRecord = <T extends z.ZodType>(value: T) => z.object({ blue: value, green: value });
const epochMs = z.number().int().nonnegative();

export const timelinePointSchema = z.object({
  /** Epoch milliseconds. */
  t: epochMs,
  /** Traffic percent per track as set on the router, 0..100. */
  weights: trackRecord(z.number().min(0).max(100)),
  /** Share of answered requests each track actually served, 0..1 (from the load generator). */
  served: trackRecord(z.number().min(0).max(1)).partial().optional(),
  /** Requests per second. */
  requestRate: z.number().nonnegative(),
  /** Failed / all requests, 0..1. */
  errorRate: z.number().min(0).max(1),
  /** Null when there were no requests to measure. */
  p95LatencySeconds: z.number().nonnegative().nullable(),
});

/** The statistics behind an evidence check's verdict, typed as the controller's measurement types them. */
const EVIDENCE_MASK = {
  inconclusiveReason: true,
  samples: true,
  canaryValue: true,
  stableValue: true,
  statistic: true,
  limit: true,
  interval: true,
  confidence: true,
} as const;

export const analysisEvidenceSchema = measurementSchema.pick(EVIDENCE_MASK);
/** What a recorder copies from a measurement: one list, so the report cannot drop a new field. */
export const EVIDENCE_FIELDS = Object.keys(EVIDENCE_MASK) as ReadonlyArray<keyof typeof EVIDENCE_MASK>;

export const analysisEntrySchema = z
  .object({
    t: epochMs,
    metric: z.string().min(1),
    phase: measurementSchema.shape.phase,
    value: z.number().optional(),
    /** E.g. `< 0.01`: the success condition. */
    condition: z.string().optional(),
    message: z.string().optional(),
  })
  .extend(analysisEvidenceSchema.shape);

export const phaseChangeSchema = z.object({
  t: epochMs,
  from: z.string().optional(),
  /** Usually an AgentRollout phase (`Progressing`, `Analysing`, `Aborted`, …). */
  to: z.string().min(1),
  /** Why: the decision's reason, as in the audit log. */
  reason: z.string().min(1),
  message: z.string().optional(),
});

export const releaseReportSchema = z
  .object({
    title: z.string().min(1),
    namespace: z.string().min(1),
    agent: z.string().min(1),
    strategy: z.string().min(1),
    fromVersion: z.string().optional(),
    toVersion: z.string().optional(),
    /** E.g. `promoted`, `aborted`. */
    outcome: z.string().optional(),
    startedAt: epochMs,
    finishedAt: epochMs,
    timeline: z.array(timelinePointSchema).min(1),
    /** Exact counts from the load generator; without them the summary estimates from the timeline. */
    load: z
      .object({ requests: z.number().int().nonnegative(), failed: z.number().int().nonnegative() })
      .refine((load) => load.failed <= load.requests, {
        message: "failed exceeds requests",
        path: ["failed"],
      })
      .optional(),
    analyses: z.array(analysisEntrySchema).default([]),
    phaseChanges: z.array(phaseChangeSchema).default([]),
  })
  .superRefine((report, context) => {
    report.timeline.forEach((point, index) => {
      const previous = report.timeline[index - 1];
      if (previous && point.t <= previous.t) {
        context.addIssue({
          code: "custom",
          path: ["timeline", index, "t"],
          message: "timeline times must increase",
        });
      }
    });
  });

export type TimelinePoint = z.infer<typeof timelinePointSchema>;
export type AnalysisEntry = z.infer<typeof analysisEntrySchema>;
export type AnalysisEvidence = z.infer<typeof analysisEvidenceSchema>;
export type PhaseChange = z.infer<typeof phaseChangeSchema>;
/** A report as given (defaults optional). */
export type ReleaseReportInput = z.input<typeof releaseReportSchema>;
export type ReleaseReport = z.output<typeof releaseReportSchema>;

/** Checks the input and orders events by time; the error lists every problem with its path. */
export function parseReleaseReport(input: ReleaseReportInput): ReleaseReport {
  const result = releaseReportSchema.safeParse(input);
  if (result.success) {
    const byTime = <T extends { t: number }>(list: readonly T[]) => [...list].sort((a, b) => a.t - b.t);
    return {
      ...result.data,
      analyses: byTime(result.data.analyses),
      phaseChanges: byTime(result.data.phaseChanges),
    };
  }
  const problems = result.error.issues.map(
    (issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new Error(`Invalid release report (${problems.length} problems):\n${problems.join("\n")}`);
}

export interface ReportSummary {
  durationSeconds: number;
  /** The load generator's count when the report has it, else estimated from the timeline rates. */
  requests: number;
  /** Known only with the load generator's counts; null means `requests` is an estimate. */
  failedRequests: number | null;
  peakErrorRate: number;
  peakP95LatencySeconds: number | null;
  finalWeights: { blue: number; green: number };
  analyses: Record<"Successful" | "Failed" | "Inconclusive", number>;
  /** The last phase change: where the release ended and why. */
  lastPhase: PhaseChange | undefined;
}

/** Figures for the page header and `report.json`. Pure. */
export function summarize(report: ReleaseReport): ReportSummary {
  const { timeline } = report;
  const latencies = timeline.flatMap((point) =>
    point.p95LatencySeconds === null ? [] : [point.p95LatencySeconds],
  );
  let requests = 0;
  timeline.forEach((point, index) => {
    const next = timeline[index + 1];
    const seconds = next ? (next.t - point.t) / 1000 : 0;
    requests += point.requestRate * seconds;
  });
  const analyses = { Successful: 0, Failed: 0, Inconclusive: 0 };
  for (const entry of report.analyses) analyses[entry.phase] += 1;
  const last = timeline[timeline.length - 1];
  return {
    durationSeconds: (report.finishedAt - report.startedAt) / 1000,
    requests: report.load?.requests ?? Math.round(requests),
    failedRequests: report.load?.failed ?? null,
    peakErrorRate: timeline.reduce((peak, point) => Math.max(peak, point.errorRate), 0),
    peakP95LatencySeconds:
      latencies.length > 0 ? latencies.reduce((peak, value) => Math.max(peak, value), 0) : null,
    finalWeights: last ? { ...last.weights } : { blue: 0, green: 0 },
    analyses,
    lastPhase: report.phaseChanges[report.phaseChanges.length - 1],
  };
}
