/**
 * Circuit breaker: after `failureThreshold` consecutive failures the circuit opens and calls fail
 * fast for `openMs`; then one trial call is let through (half-open) and its outcome closes or
 * reopens the circuit. Keeps a dead Prometheus from costing every reconcile a full timeout.
 */
import type { Clock } from "../clock.ts";

export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** @default 3 */
  failureThreshold: number;
  /** @default 30000 */
  openMs: number;
}

export class CircuitOpenError extends Error {
  readonly retryAt: number;
  constructor(retryAt: number, lastError: string) {
    super(
      `circuit open after repeated failures (last: ${lastError}); next try at ${new Date(retryAt).toISOString()}`,
    );
    this.retryAt = retryAt;
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private lastError = "";
  private readonly options: CircuitBreakerOptions;
  private readonly clock: Clock;

  constructor(options: CircuitBreakerOptions, clock: Clock) {
    this.options = options;
    this.clock = clock;
  }

  state(): CircuitState {
    if (this.openedAt === undefined) return "closed";
    return this.clock.now() - this.openedAt >= this.options.openMs ? "half-open" : "open";
  }

  /** Why calls are refused right now, or undefined when a call may proceed. */
  refusal(): CircuitOpenError | undefined {
    const state = this.state();
    if (state === "closed") return undefined;
    if (state === "half-open" && !this.trialInFlight) return undefined;
    return new CircuitOpenError((this.openedAt ?? 0) + this.options.openMs, this.lastError);
  }

  async call<T>(operation: () => Promise<T>, countsAsFailure: (error: unknown) => boolean): Promise<T> {
    const refused = this.refusal();
    if (refused) throw refused;
    const trial = this.state() === "half-open";
    if (trial) this.trialInFlight = true;
    try {
      const result = await operation();
      this.failures = 0;
      this.openedAt = undefined;
      return result;
    } catch (error) {
      if (countsAsFailure(error)) this.recordFailure(error, trial);
      else if (trial) this.openedAt = undefined;
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  private recordFailure(error: unknown, trial: boolean): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.failures += 1;
    if (trial || this.failures >= this.options.failureThreshold) this.openedAt = this.clock.now();
  }
}
