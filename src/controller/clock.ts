/**
 * Time source of the release decisions. Decisions take `now` from it and sleep until a clock
 * time through `delayUntil`, so a test (or a demo sandbox) can run releases faster than real time
 * with `scaledClock`. Leader election and the Prometheus circuit breaker always use real time.
 */

export interface Clock {
  /** Milliseconds since the epoch, in this clock's time. */
  now(): number;
  /** Real milliseconds until this clock reads `at` (0 when already past). */
  delayUntil(at: number): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  delayUntil: (at) => Math.max(0, at - Date.now()),
};

/** A clock running `speed` times faster than real time from `origin` on. */
export function scaledClock(speed: number, origin = Date.now()): Clock {
  const now = () => origin + (Date.now() - origin) * speed;
  return { now, delayUntil: (at) => Math.max(0, (at - now()) / speed) };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parses an ISO time written into status; undefined when absent or malformed. */
export function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
