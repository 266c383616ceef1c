/** Reads the CLI shares: the AgentRollout of an agent, its tracks, and whether it has settled. */

import { trackName } from "../../contract/names.ts";
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { type Cluster, KINDS, type KubeObject } from "../kube/cluster.ts";
import type { isAborted } from "../rollout/phase.ts";
import { revisionOf } from "../rollout/revision.ts";
import { observeTrack } from "../rollout/tracks.ts";
import type { TrackView } from "./view.ts";

/** The AgentRollout named after the agent, or the one whose `spec.agent` is the agent. */
export async function findRollout(cluster: Cluster, namespace: string, agent: string): Promise<KubeObject> {
  const byName = await cluster.get(KINDS.agentRollout, { namespace, name: agent });
  if (byName) return byName;
  const { items } = await cluster.list(KINDS.agentRollout, { namespace });
  const found = items.find((item) => (item.spec as { agent?: string } | undefined)?.agent === agent);
  if (!found) throw new Error(`no AgentRollout for agent "${agent}" in namespace ${namespace}`);
  return found;
}

export async function readTracks(
  cluster: Cluster,
  rollout: KubeObject,
): Promise<Partial<Record<"blue" | "green", TrackView>>> {
  const agent = (rollout.spec as { agent?: string } | undefined)?.agent ?? rollout.metadata.name;
  const views: Partial<Record<"blue" | "green", TrackView>> = {};
  for (const track of ["blue", "green"] as const) {
    const state = observeTrack(
      await cluster
        .get(KINDS.deployment, { namespace: rollout.metadata.namespace ?? "", name: trackName(agent, track) })
        .catch(() => undefined),
    );
    if (state)
      views[track] = { replicas: state.replicas, ready: state.readyReplicas, revision: state.revision };
  }
  return views;
}

/** Exit code of a settled rollout: 0 healthy, 1 degraded/aborted; undefined while it runs. */
export function settledExitCode(rollout: KubeObject): number | undefined {
  const status = (rollout.status ?? {}) as AgentRolloutStatus;
  const spec = rollout.spec as Parameters<typeof isAborted>[0];
  if (status.phase === "Degraded" || status.phase === "Aborted") return 1;
  const current =
    status.observedGeneration === rollout.metadata.generation &&
    status.stableRevision === revisionOf(spec.template);
  if (status.phase === "Healthy" && current) return 0;
  return undefined;
}
