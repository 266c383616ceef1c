/** Polling until something holds: how the sandbox waits for processes it does not control. */
import { setTimeout as sleep } from "node:timers/promises";

export interface PollOptions {
  /** @default 20000 */
  timeoutMs?: number;
  /** @default 200 */
  intervalMs?: number;
  /** What is awaited, for the timeout error. */
  description?: string;
}

/**
 * Calls `probe` until it returns something other than `undefined` and returns that. Errors thrown
 * by the probe count as "not yet"; the last one is reported on timeout.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 200, description = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = "";
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${description}${last ? ` (last error: ${last})` : ""}`,
  );
}
