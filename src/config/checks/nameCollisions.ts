/**
 * Two agents in one namespace whose objects share a kind and a name: agent `ingest-preview` next to
 * a released `ingest` (whose preview Service is `ingest-preview`). Whichever applies last would
 * replace the other's object, so the config is rejected before anything renders.
 */
import type { ConfigProblem } from "../problems.ts";
import type { FleetConfig } from "../resolve.ts";
import { type AgentObject, agentObjects } from "./agentObjects.ts";

interface Owner {
  index: number;
  object: AgentObject;
}

interface Clash {
  mine: AgentObject;
  theirs: AgentObject;
}

const keyOf = (namespace: string, object: AgentObject) =>
  `${namespace}/${object.group}/${object.kind}/${object.name}`;

/** Clashes of each agent with earlier agents, keyed by the earlier agent's index. */
function clashesOf(fleet: FleetConfig): Map<number, Map<number, Clash[]>> {
  const owners = new Map<string, Owner>();
  const found = new Map<number, Map<number, Clash[]>>();
  fleet.agents.forEach((agent, index) => {
    for (const object of agentObjects(agent)) {
      const key = keyOf(agent.cluster, object);
      const owner = owners.get(key);
      if (!owner) {
        owners.set(key, { index, object });
        continue;
      }
      // Equal ids are one problem, reported by the unique-id rule.
      if (fleet.agents[owner.index]?.id === agent.id) continue;
      const withOwner = found.get(index) ?? new Map<number, Clash[]>();
      withOwner.set(owner.index, [
        ...(withOwner.get(owner.index) ?? []),
        { mine: object, theirs: owner.object },
      ]);
      found.set(index, withOwner);
    }
  });
  return found;
}

export function objectNameCollisions(fleet: FleetConfig): ConfigProblem[] {
  return [...clashesOf(fleet)].flatMap(([index, withOwners]) =>
    [...withOwners].map(([ownerIndex, clashes]): ConfigProblem => {
      const agent = fleet.agents[index];
      const owner = fleet.agents[ownerIndex];
      const objects = clashes.map(({ mine }) => `${mine.kind} "${mine.name}"`).join(" and ");
      const roles = clashes.map(({ theirs }) => theirs.role).join(" and ");
      return {
        path: ["agents", index, "id"],
        message:
          `"${agent?.id}" renders ${objects} in namespace "${agent?.cluster}", the same names as ` +
          `agents[${ownerIndex}] ("${owner?.id}") gives its ${roles}: one agent's objects would replace the ` +
          "other's; rename one of the agents (or place it in another cluster)",
      };
    }),
  );
}
