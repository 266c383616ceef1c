/**
 * Retries with exponential backoff and full jitter (delay drawn from 0..min(cap, base·2^attempt)),
 * so many controllers or reconciles retrying at once spread out instead of stampeding.
 */

export interface RetryPolicy {
  /** Total tries, the first one included. @default 4 */
  attempts: number;
  /** @default 100 */
  baseDelayMs: number;
  /** @default 2000 */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000 };

export function backoffDelay(
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  attempt: number,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryHooks {
  /** Whether this error is worth another try (transient); others are thrown at once. */
  retryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt + 1 >= policy.attempts || !hooks.retryable(error) || hooks.signal?.aborted) throw error;
      const delay = backoffDelay(policy, attempt);
      hooks.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, hooks.signal);
    }
  }
}
