/**
 * The HAProxy layout the HAProxy router works on. It owns it: whoever configures HAProxy (the
 * local sandbox's gateway) and fills server slots with pod addresses (its kubelet) follows it.
 *
 * One backend per HTTP agent; inside it, fixed server slots per track (`blue1`…`blueN`,
 * `green1`…`greenN`) created disabled by `server-template`. A running pod occupies one slot of
 * its track; a track's traffic share is spread evenly over its occupied slots.
 */
import type { Track } from "../../../contract/agentRollout.ts";

export const SERVER_SLOTS_PER_TRACK = 16;

/** HAProxy backend (and frontend) name of an agent. */
export function haproxyBackendName(namespace: string, agent: string): string {
  return `${namespace}__${agent}`;
}

/** Server slot name, 1-based: `blue1` … `blue16`. */
export function trackServerName(track: Track, slot: number): string {
  return `${track}${slot}`;
}

/** The track of a slot name, or undefined for names outside the layout. */
export function trackOfServer(serverName: string): Track | undefined {
  const match = /^(blue|green)(\d+)$/.exec(serverName);
  return match ? (match[1] as Track) : undefined;
}
