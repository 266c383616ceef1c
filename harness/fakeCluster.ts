/**
 * Stand-ins for the cluster the preflight reads (src/preflight/run.ts `ClusterReader`): one that
 * has everything, one that lacks chosen things, one that cannot be reached. Each records the
 * probes it was asked.
 */
import type { ClusterReader, Probe, ProbeAnswer } from "../src/preflight/index.ts";
import { describeProbe } from "../src/preflight/index.ts";

export interface FakeCluster extends ClusterReader {
  asked: Probe[];
}

/** A reachable cluster; `answer` decides each probe (default: everything is there). */
export function fakeCluster(
  answer: (probe: Probe) => ProbeAnswer = () => ({ state: "present" }),
): FakeCluster {
  const asked: Probe[] = [];
  return {
    target: 'context "fake" at https://127.0.0.1:6443',
    asked,
    connect: async () => ({ reachable: true, version: "v1.37.2" }),
    probe: async (probe) => {
      asked.push(probe);
      return answer(probe);
    },
  };
}

/** A reachable cluster without the things named like `describeProbe` does (`namespace "monitoring"`). */
export function clusterLacking(...missing: string[]): FakeCluster {
  return fakeCluster((probe) =>
    missing.includes(describeProbe(probe)) ? { state: "missing", detail: "fake" } : { state: "present" },
  );
}

export function unreachableCluster(reason = "connect ECONNREFUSED 127.0.0.1:6443"): FakeCluster {
  const cluster = fakeCluster();
  return { ...cluster, connect: async () => ({ reachable: false, reason }) };
}
