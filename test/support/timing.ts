/**
 * Upper bounds on elapsed real time, sized by what the machine did. A timer never fires early,
 * but on a loaded machine it fires late: by as much as this process could not run. `lagMeter`
 * measures that (the event loop's delay, from `monitorEventLoopDelay`), so a test can assert
 * `elapsed ≤ what the logic allows + lag` — as tight as written on an idle machine, and only as
 * loose as the measured delay on a busy one. It covers work in this process (in-process servers,
 * controllers, clients); a separate process's own scheduling delay is not in it.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

/** Sampling interval of the delay monitor, ms. */
const RESOLUTION_MS = 10;

export interface LagMeter {
  /**
   * Milliseconds this process's event loop ran late since the meter started: the elapsed time
   * minus what the monitor's on-time samples account for. An upper bound on how late any timer
   * or I/O callback of this process ran in that time; a few % of the elapsed time when idle.
   */
  lagMs(): number;
  stop(): void;
}

export function lagMeter(): LagMeter {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const enabledAt = performance.now();
  histogram.enable();
  let stopped: number | undefined;
  // Each sample the monitor took was one interval of which `resolution` was due; the time since
  // the last sample is due up to one more resolution. Whatever elapsed beyond that, the loop was late.
  const measure = () => Math.max(0, performance.now() - enabledAt - (histogram.count + 1) * RESOLUTION_MS);
  return {
    lagMs: () => stopped ?? measure(),
    stop: () => {
      if (stopped !== undefined) return;
      stopped = measure();
      histogram.disable();
    },
  };
}

/**
 * Runs `operation` and returns its result with its elapsed real time and the lag measured while
 * it ran, for `expect(elapsedMs).toBeLessThan(bound + lagMs)`.
 */
export async function timed<T>(
  operation: () => Promise<T>,
): Promise<{ value: T; elapsedMs: number; lagMs: number }> {
  const meter = lagMeter();
  const started = performance.now();
  try {
    const value = await operation();
    return { value, elapsedMs: performance.now() - started, lagMs: meter.lagMs() };
  } finally {
    meter.stop();
  }
}
