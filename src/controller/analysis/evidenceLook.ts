/**
 * One look at the evidence: the count queries (`evidenceQueries`) for the canary and, when there
 * is one, the stable track over the same window, judged as `judgeCanary` does, each check turned into
 * a Measurement that carries its samples, both tracks' rates and the interval it decided on.
 *
 * Queries that answer nothing are data problems, not evidence: the checks they feed are
 * Inconclusive with `NoData` (or `QueryFailed`, `ProviderUnavailable`), which the tally counts
 * against `inconclusiveLimit`; an Inconclusive for want of records is `NotEnoughEvidence`, which
 * it does not.
 */
import { evidenceQueries, type QueryVariables, renderQuery } from "../../contract/analysisQueries.ts";
import type { EvidenceSpec, Measurement } from "../../crd/agentRollout.ts";
import { errorMessage } from "../kube/errors.ts";
import { formatValue } from "./evaluate.ts";
import {
  type MetricProvider,
  NoDataError,
  ProviderUnavailableError,
  QueryRejectedError,
} from "./provider.ts";
import {
  type AnalysisInput,
  type CheckName,
  type CheckResult,
  type CheckVerdict,
  DEFAULT_POLICY,
  evidenceOf,
  isGuardRail,
  latencyPolicy,
  promotionVerdict,
  runChecks,
  type StatisticsPolicy,
  type TrackSample,
} from "./statistics/index.ts";

type Problem = { reason: "NoData" | "QueryFailed" | "ProviderUnavailable"; message: string };

export interface EvidenceLook {
  /** One per check, in the order `runChecks` gives them. */
  measurements: Measurement[];
  verdict: CheckVerdict;
  /** Why: the deciding checks, or what is still missing. */
  reason: string;
  /** A query answered nothing (or failed): what the tally counts as inconclusive (or failed with `noData: failure`). */
  problem?: Problem;
}

/** The statistics policy an AgentRollout's `evidence` asks for. */
export function policyOf(evidence: EvidenceSpec): StatisticsPolicy {
  return {
    ...DEFAULT_POLICY,
    confidence: evidence.confidence,
    maxErrorRate: evidence.maxErrorRate,
    errorRateMargin: evidence.maxErrorRateOverStable,
    ...(evidence.maxLatencyP95Seconds === undefined
      ? {}
      : {
          latency: latencyPolicy(evidence.maxLatencyP95Seconds, { margin: evidence.maxSlowShareOverStable }),
        }),
    ...(evidence.minRecords === undefined
      ? {}
      : { minCanaryRecords: evidence.minRecords, minStableRecords: evidence.minRecords }),
  };
}

function problemOf(error: unknown): Problem {
  if (error instanceof NoDataError) return { reason: "NoData", message: `no data: ${error.message}` };
  if (error instanceof ProviderUnavailableError)
    return { reason: "ProviderUnavailable", message: `provider unavailable: ${error.message}` };
  if (error instanceof QueryRejectedError)
    return { reason: "QueryFailed", message: `query failed: ${error.message}` };
  return { reason: "QueryFailed", message: `query failed: ${errorMessage(error)}` };
}

interface TrackAnswer {
  sample?: TrackSample;
  /** The counters could not be read. */
  counters?: Problem;
  /** The histogram could not be read (the counters may still be fine). */
  latency?: Problem;
}

async function readTrack(
  provider: MetricProvider,
  window: string,
  variables: QueryVariables,
  withLatency: boolean,
): Promise<TrackAnswer> {
  const queries = evidenceQueries(window);
  const settle = <T>(promise: Promise<T>) =>
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ problem: problemOf(error) }),
    );
  const [processed, failed, buckets] = await Promise.all([
    settle(provider.runQuery(renderQuery(queries.processed, variables))),
    settle(provider.runQuery(renderQuery(queries.failed, variables))),
    withLatency ? settle(provider.runVectorQuery(renderQuery(queries.latencyBuckets, variables))) : undefined,
  ]);
  const counters =
    "problem" in processed ? processed.problem : "problem" in failed ? failed.problem : undefined;
  if (counters || !("value" in processed) || !("value" in failed)) return { counters };
  const latency =
    buckets && "value" in buckets
      ? buckets.value.map((sample) => ({ le: sample.labels.le ?? "", count: sample.value }))
      : undefined;
  return {
    sample: { processed: processed.value, failed: failed.value, ...(latency ? { latency } : {}) },
    ...(buckets && "problem" in buckets ? { latency: buckets.problem } : {}),
  };
}

const LATENCY_CHECKS: readonly CheckName[] = ["latency", "latency-vs-stable"];

/**
 * How a measurement's message names its check: a Failed one leads with the value and its limit
 * as value checks word it (`error-rate = 0.2667 (must be <= 0.01)`, what the Degraded condition
 * and the abort Event show), then the evidence behind it.
 */
function checkTitle(check: CheckResult): string {
  if (check.verdict !== "Failed") return check.check;
  return `${check.check} = ${formatValue(check.statistic)} (must be <= ${check.limit})`;
}

/** The check's Measurement: everything the status, audit line, Event and report show of a verdict. */
export function measurementOf(check: CheckResult, at: string, problem?: Problem): Measurement {
  const inconclusiveReason =
    check.verdict !== "Inconclusive" ? undefined : (problem?.reason ?? "NotEnoughEvidence");
  return {
    metric: check.check,
    phase: check.verdict,
    value: check.statistic,
    message: `${checkTitle(check)}: ${problem ? `${problem.message}; ` : ""}${check.reason}`,
    at,
    ...(inconclusiveReason ? { inconclusiveReason } : {}),
    samples: { canary: check.canary.total, ...(check.stable ? { stable: check.stable.total } : {}) },
    canaryValue: check.canary.rate,
    ...(check.stable ? { stableValue: check.stable.rate } : {}),
    statistic: check.statistic,
    limit: check.limit,
    interval: { ...check.interval },
    confidence: check.confidence,
  };
}

/** A check that could not run because a track's counters are missing. */
function missing(check: CheckName, problem: Problem, at: string): Measurement {
  return {
    metric: check,
    phase: "Inconclusive",
    message: `${check}: ${problem.message}`,
    at,
    inconclusiveReason: problem.reason,
  };
}

function expectedChecks(policy: StatisticsPolicy, withStable: boolean): CheckName[] {
  const checks: CheckName[] = ["error-rate"];
  if (withStable) checks.push("error-rate-vs-stable");
  if (policy.latency) checks.push("latency", ...(withStable ? (["latency-vs-stable"] as const) : []));
  return checks;
}

/** Judges what the two tracks answered: the checks that could run, the others Inconclusive with their problem. */
function judge(
  canary: TrackAnswer,
  stable: TrackAnswer | undefined,
  policy: StatisticsPolicy,
  at: string,
): EvidenceLook {
  const expected = expectedChecks(policy, stable !== undefined);
  if (!canary.sample) {
    const problem = canary.counters ?? { reason: "NoData" as const, message: "no data" };
    return {
      measurements: expected.map((check) => missing(check, problem, at)),
      verdict: "Inconclusive",
      reason: `canary: ${problem.message}`,
      problem,
    };
  }
  const input: AnalysisInput = {
    canary: canary.sample,
    ...(stable?.sample ? { stable: stable.sample } : {}),
  };
  const evidence = evidenceOf(input.canary, input.stable, policy);
  const checks = runChecks(input, policy, evidence);
  const latencyProblem = canary.latency ?? stable?.latency;
  const measurements = checks.map((check) =>
    measurementOf(check, at, LATENCY_CHECKS.includes(check.check) ? latencyProblem : undefined),
  );
  const stableProblem =
    stable && !stable.sample
      ? (stable.counters ?? { reason: "NoData" as const, message: "no data" })
      : undefined;
  if (stableProblem) {
    const ran = new Set(checks.map((check) => check.check));
    for (const check of expected.filter((name) => !ran.has(name)))
      measurements.push(missing(check, { ...stableProblem, message: `stable ${stableProblem.message}` }, at));
  }
  // As `judgeCanary`: the guard rails decide a Successful, a comparison short of stable records does not hold it.
  const verdict = promotionVerdict(measurements.map((m) => ({ check: m.metric, verdict: m.phase })));
  const deciding = measurements.filter((m) =>
    verdict === "Successful"
      ? true
      : verdict === "Failed"
        ? m.phase === "Failed"
        : m.phase !== "Successful" && isGuardRail(m.metric),
  );
  const problem = stableProblem ?? (latencyProblem && policy.latency ? latencyProblem : undefined);
  const short = !evidence.canaryEnough;
  const reason =
    verdict === "Inconclusive" && short && !problem
      ? evidence.reason
      : deciding.map((m) => m.message ?? m.metric).join("; ");
  return {
    measurements,
    verdict,
    reason,
    ...(problem ? { problem } : {}),
  };
}

/**
 * One look: both tracks queried with the same window (the time since the analysis started) at
 * the same moment. `stable` absent: no comparison (a blue-green preview, or after a switch).
 */
export async function lookAtEvidence(
  provider: MetricProvider,
  evidence: EvidenceSpec,
  tracks: { canary: QueryVariables; stable?: QueryVariables },
  window: string,
  at: string,
): Promise<EvidenceLook> {
  const policy = policyOf(evidence);
  const withLatency = policy.latency !== undefined;
  const [canary, stable] = await Promise.all([
    readTrack(provider, window, tracks.canary, withLatency),
    tracks.stable ? readTrack(provider, window, tracks.stable, withLatency) : undefined,
  ]);
  return judge(canary, stable, policy, at);
}
