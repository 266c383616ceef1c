/**
 * What a release benchmark reports, from plain release records (no I/O, no clock): per strategy
 * and version kind the outcomes, the time from first canary traffic to 100% on one version, the
 * failed requests the canary served, and the wrong outcomes — a good version aborted (a false
 * abort) or a bad one promoted.
 */
import type { ReleaseRecord } from "../../src/sandbox/scenarios/releaseRun.ts";
import { table } from "../../src/text/table.ts";
import { median } from "../stats.ts";

/** The versions released: `good` fails like stable (its noise only); the rest are bad. */
export const VERSION_KINDS = ["good", "bad30", "bad5", "bad2", "slow"] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];
export type ReleaseOutcome = "promoted" | "aborted" | "timed out";

export interface ReleaseResult {
  strategy: string;
  kind: VersionKind;
  outcome: ReleaseOutcome;
  /**
   * First canary traffic → 100% on one version: on stable after an abort, on the new version
   * after a promotion. Undefined when the release timed out or never got traffic.
   */
  settleMs: number | undefined;
  /** Failed requests answered by the canary version, from first traffic until settled. */
  canaryFailed: number;
  /** All requests answered by the canary version in that window. */
  canaryServed: number;
  /** Failed measurements by metric name (as sampled from the status). */
  failedChecks: Record<string, number>;
}

export interface ReleaseStatsRow {
  strategy: string;
  kind: VersionKind;
  releases: number;
  promoted: number;
  aborted: number;
  timedOut: number;
  /** Over releases with an outcome. */
  medianSettleMs: number | undefined;
  maxSettleMs: number | undefined;
  /** First traffic → promotion, over the promoted releases. */
  medianPromoteMs: number | undefined;
  canaryFailed: number;
  canaryServed: number;
  /** Good: aborted (false aborts). Bad: promoted. */
  wrong: number;
  /** Failed measurements by metric, summed over the cell's releases. */
  failedChecks: Record<string, number>;
}

export interface StrategySummary {
  strategy: string;
  goodReleases: number;
  falseAborts: number;
  badReleases: number;
  badPromotions: number;
  medianPromoteMs: number | undefined;
  canaryFailedOnBad: number;
  timedOut: number;
}

const isGood = (kind: VersionKind) => kind === "good";

export type RecordedRelease = Pick<
  ReleaseRecord,
  "step" | "outcome" | "samples" | "firstTrafficAt" | "abortedAt" | "outcomeAt"
> & { report: Pick<ReleaseRecord["report"], "analyses"> };

function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
  return into;
}

/**
 * A recorded release as a result: settled when traffic was all on one version (after an abort
 * the first status sample with 0% on the canary, after a promotion the outcome), and the
 * requests the canary version answered before that — by the `x-agent-version` it served with.
 */
export function releaseResultOf(record: RecordedRelease, strategy: string, kind: VersionKind): ReleaseResult {
  const settledAt =
    record.outcome === "aborted"
      ? record.abortedAt
      : record.outcome === "promoted"
        ? record.outcomeAt
        : undefined;
  const until = settledAt ?? Number.POSITIVE_INFINITY;
  let canaryServed = 0;
  let canaryFailed = 0;
  for (const sample of record.samples) {
    if (sample.version !== record.step.version || sample.at >= until) continue;
    canaryServed += 1;
    if (!sample.ok) canaryFailed += 1;
  }
  const settleMs =
    settledAt !== undefined && record.firstTrafficAt !== undefined
      ? settledAt - record.firstTrafficAt
      : undefined;
  const failedChecks: Record<string, number> = {};
  for (const entry of record.report.analyses ?? [])
    if (entry.phase === "Failed") addCounts(failedChecks, { [entry.metric]: 1 });
  return { strategy, kind, outcome: record.outcome, settleMs, canaryFailed, canaryServed, failedChecks };
}

function definedValues(values: Array<number | undefined>): number[] {
  return values.filter((value): value is number => value !== undefined);
}

function medianOf(values: Array<number | undefined>): number | undefined {
  const defined = definedValues(values);
  return defined.length ? median(defined) : undefined;
}

function maxOf(values: Array<number | undefined>): number | undefined {
  const defined = definedValues(values);
  return defined.length ? Math.max(...defined) : undefined;
}

/** In order of first appearance. */
function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Strategies in `order` first, then any others in first-seen order. */
function strategiesOf(results: readonly ReleaseResult[], order: readonly string[]): string[] {
  const present = new Set(results.map((result) => result.strategy));
  return distinct([...order.filter((strategy) => present.has(strategy)), ...present]);
}

/** One row per strategy × kind present: strategies in `order` (then first-seen), kinds in VERSION_KINDS order. */
export function aggregateReleases(
  results: readonly ReleaseResult[],
  order: readonly string[] = [],
): ReleaseStatsRow[] {
  const strategies = strategiesOf(results, order);
  return strategies.flatMap((strategy) =>
    VERSION_KINDS.flatMap((kind) => {
      const cell = results.filter((result) => result.strategy === strategy && result.kind === kind);
      if (cell.length === 0) return [];
      const count = (outcome: ReleaseOutcome) => cell.filter((result) => result.outcome === outcome).length;
      const settled = cell.filter((result) => result.outcome !== "timed out");
      const promoted = cell.filter((result) => result.outcome === "promoted");
      return [
        {
          strategy,
          kind,
          releases: cell.length,
          promoted: count("promoted"),
          aborted: count("aborted"),
          timedOut: count("timed out"),
          medianSettleMs: medianOf(settled.map((result) => result.settleMs)),
          maxSettleMs: maxOf(settled.map((result) => result.settleMs)),
          medianPromoteMs: medianOf(promoted.map((result) => result.settleMs)),
          canaryFailed: cell.reduce((sum, result) => sum + result.canaryFailed, 0),
          canaryServed: cell.reduce((sum, result) => sum + result.canaryServed, 0),
          wrong: isGood(kind) ? count("aborted") : count("promoted"),
          failedChecks: cell.reduce((sum, result) => addCounts(sum, result.failedChecks), {}),
        },
      ];
    }),
  );
}

/** Per strategy: false aborts over the good releases, promotions over the bad ones. */
export function summarizeStrategies(
  results: readonly ReleaseResult[],
  order: readonly string[] = [],
): StrategySummary[] {
  return strategiesOf(results, order).map((strategy) => {
    const mine = results.filter((result) => result.strategy === strategy);
    const good = mine.filter((result) => isGood(result.kind));
    const bad = mine.filter((result) => !isGood(result.kind));
    return {
      strategy,
      goodReleases: good.length,
      falseAborts: good.filter((result) => result.outcome === "aborted").length,
      badReleases: bad.length,
      badPromotions: bad.filter((result) => result.outcome === "promoted").length,
      medianPromoteMs: medianOf(
        good.filter((result) => result.outcome === "promoted").map((result) => result.settleMs),
      ),
      canaryFailedOnBad: bad.reduce((sum, result) => sum + result.canaryFailed, 0),
      timedOut: mine.filter((result) => result.outcome === "timed out").length,
    };
  });
}

export const secondsText = (ms: number | undefined) =>
  ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`;

function checksText(checks: Record<string, number>): string {
  const entries = Object.entries(checks).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([metric, count]) => `${metric} ${count}`).join(", ") : "-";
}

export function releaseStatsTable(rows: readonly ReleaseStatsRow[]): string {
  return table(
    [
      "STRATEGY",
      "VERSION",
      "RELEASES",
      "PROMOTED",
      "ABORTED",
      "TIMED OUT",
      "TO 100% MEDIAN",
      "TO 100% MAX",
      "PROMOTE MEDIAN",
      "CANARY FAILED / SERVED",
      "WRONG",
      "FAILED CHECKS",
    ],
    rows.map((row) => [
      row.strategy,
      row.kind,
      String(row.releases),
      String(row.promoted),
      String(row.aborted),
      String(row.timedOut),
      secondsText(row.medianSettleMs),
      secondsText(row.maxSettleMs),
      secondsText(row.medianPromoteMs),
      `${row.canaryFailed} / ${row.canaryServed}`,
      `${row.wrong}/${row.releases} ${isGood(row.kind) ? "false aborts" : "promoted"}`,
      checksText(row.failedChecks),
    ]),
  );
}

export function strategySummaryTable(summaries: readonly StrategySummary[]): string {
  return table(
    ["STRATEGY", "FALSE ABORTS", "BAD PROMOTED", "PROMOTE MEDIAN", "FAILED ON BAD CANARIES", "TIMED OUT"],
    summaries.map((summary) => [
      summary.strategy,
      `${summary.falseAborts}/${summary.goodReleases}`,
      `${summary.badPromotions}/${summary.badReleases}`,
      secondsText(summary.medianPromoteMs),
      String(summary.canaryFailedOnBad),
      String(summary.timedOut),
    ]),
  );
}
