/**
 * One analysis tick: ask the provider whether it is online, run every metric's query for the
 * track under test, and turn the outcomes into measurements. A tick taken while the provider is
 * unreachable is *blind*: it is reported, never counted for or against the release.
 */

import { type QueryVariables, renderQuery } from "../../contract/analysisQueries.ts";
import type { AnalysisSpec, Measurement } from "../../crd/agentRollout.ts";
import { errorMessage } from "../kube/errors.ts";
import { type MeasurementPhase, measure, type QueryOutcome, tickVerdict } from "./evaluate.ts";
import {
  type MetricProvider,
  NoDataError,
  ProviderUnavailableError,
  QueryRejectedError,
} from "./provider.ts";

export interface AnalysisTick {
  measurements: Measurement[];
  verdict: MeasurementPhase;
  /** Set when the provider could not be asked: why the controller is blind. */
  blind?: string;
}

async function outcomeOf(provider: MetricProvider, query: string): Promise<QueryOutcome> {
  try {
    return { kind: "value", value: await provider.runQuery(query) };
  } catch (error) {
    if (error instanceof NoDataError) return { kind: "noData", message: error.message };
    if (error instanceof ProviderUnavailableError) return { kind: "unavailable", message: error.message };
    if (error instanceof QueryRejectedError) return { kind: "rejected", message: error.message };
    return { kind: "rejected", message: errorMessage(error) };
  }
}

export async function runAnalysisTick(
  provider: MetricProvider,
  spec: AnalysisSpec,
  variables: QueryVariables,
  at: string,
): Promise<AnalysisTick> {
  if (!(await provider.isOnline())) {
    const reason = "Prometheus is unavailable (circuit open or not answering)";
    const measurements = spec.metrics.map((metric) =>
      measure(metric, { kind: "unavailable", message: reason }, spec.noData, at),
    );
    return { measurements, verdict: "Inconclusive", blind: reason };
  }
  const outcomes = await Promise.all(
    spec.metrics.map((metric) => outcomeOf(provider, renderQuery(metric.query, variables))),
  );
  const measurements = spec.metrics.map((metric, index) =>
    measure(metric, outcomes[index] ?? { kind: "rejected", message: "missing outcome" }, spec.noData, at),
  );
  const unavailable = outcomes.filter((outcome) => outcome.kind === "unavailable");
  if (unavailable.length === outcomes.length && unavailable[0]?.kind === "unavailable") {
    return { measurements, verdict: "Inconclusive", blind: unavailable[0].message };
  }
  return { measurements, verdict: tickVerdict(measurements) };
}
