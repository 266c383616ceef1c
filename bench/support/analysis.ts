/**
 * Reading and overriding an AgentRollout's canary analysis in a running sandbox, so one release
 * can run under another tool's semantics: the controller reads the spec at every reconcile, so a
 * merge patch before the release is all it takes.
 */
import { KINDS } from "../../src/controller/kube/cluster.ts";
import type { AnalysisSpec } from "../../src/crd/agentRollout.ts";
import type { Sandbox } from "../../src/sandbox/sandbox.ts";

/** A JSON merge patch of `spec.strategy.canary.analysis`: `null` removes a field. */
export type AnalysisPatch = Partial<Record<keyof AnalysisSpec, unknown>> & Record<string, unknown>;

export async function analysisOf(sandbox: Sandbox, agent: string): Promise<AnalysisSpec> {
  const { object } = await sandbox.rollout(agent);
  const analysis = (object.spec as { strategy: { canary?: { analysis: AnalysisSpec } } }).strategy.canary
    ?.analysis;
  if (!analysis) throw new Error(`${agent} is not a canary agent`);
  return analysis;
}

/** Merge-patches the agent's canary analysis and checks that every patched field reads back. */
export async function setAnalysis(sandbox: Sandbox, agent: string, patch: AnalysisPatch): Promise<void> {
  const { object } = await sandbox.rollout(agent);
  const key = { namespace: object.metadata.namespace ?? "", name: agent };
  await sandbox.cluster.patch(KINDS.agentRollout, key, {
    spec: { strategy: { canary: { analysis: patch } } },
  });
  const now = (await analysisOf(sandbox, agent)) as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) {
    const stuck = value === null ? !(field in now) : JSON.stringify(now[field]) === JSON.stringify(value);
    if (!stuck)
      throw new Error(`analysis patch of ${field} did not stick on ${agent}: ${JSON.stringify(now)}`);
  }
}

const RANGE_UNITS_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * The longest range selector (`[60s]`, `[5m]`) in the analysis queries, in seconds: how long a
 * track's earlier series stay in what the next analysis of that track reads. The queries select
 * by track, not by pod or revision, so a release on a track within this time of the track's last
 * pods also measures those pods (a bad canary just aborted, or the stable just replaced).
 */
export function analysisWindowSeconds(analysis: Pick<AnalysisSpec, "metrics">): number {
  let longest = 0;
  for (const metric of analysis.metrics)
    for (const match of metric.query.matchAll(/\[(\d+)([smh])\]/g))
      longest = Math.max(longest, Number(match[1]) * (RANGE_UNITS_SECONDS[match[2] ?? "s"] ?? 1));
  return longest;
}
