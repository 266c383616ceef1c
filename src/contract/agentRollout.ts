/**
 * The AgentRollout API's identity and its tracks: Pulumi renders the CRD and the objects, the
 * controller reads and writes them, the sandbox API serves them, the CLI addresses them.
 */
export const AGENT_ROLLOUT = {
  group: "agentfleet.dev",
  version: "v1alpha1",
  kind: "AgentRollout",
  plural: "agentrollouts",
  singular: "agentrollout",
  shortNames: ["ar"],
} as const;
export const AGENT_ROLLOUT_API_VERSION = `${AGENT_ROLLOUT.group}/${AGENT_ROLLOUT.version}`;

/** A released agent runs on two tracks; one is active (serves), the other idle (next release). */
export const TRACKS = ["blue", "green"] as const;
export type Track = (typeof TRACKS)[number];

/** The active track of an agent no release has switched yet. */
export const FIRST_TRACK: Track = "blue";

/** The track a release goes to: the one that is not `active` (unset active: the first track). */
export function otherTrack(active: Track | undefined): Track {
  return (active ?? FIRST_TRACK) === "blue" ? "green" : "blue";
}

/** Rolling agents have one track, `stable`; released agents get `blue`/`green` from the controller. */
export const ROLLING_TRACK = "stable";
