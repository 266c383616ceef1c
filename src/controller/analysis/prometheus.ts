/**
 * Prometheus HTTP API provider (`GET /api/v1/query`): per-request timeout, retries with
 * exponential backoff and jitter on transient failures, and a circuit breaker so a dead
 * Prometheus fails fast. Answers must reduce to exactly one sample.
 */
import type { Clock } from "../clock.ts";
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
} from "../resilience/circuitBreaker.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "../resilience/retry.ts";
import {
  type MetricProvider,
  NoDataError,
  ProviderUnavailableError,
  QueryRejectedError,
  type VectorSample,
} from "./provider.ts";

export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  url: string;
  /** @default 5000 */
  timeoutMs?: number;
  /** @default DEFAULT_RETRY (4 tries, 100 ms base, 2 s cap) */
  retry?: RetryPolicy;
  /** @default { failureThreshold: 3, openMs: 30000 } */
  breaker?: CircuitBreakerOptions;
  clock: Clock;
}

interface QueryResponse {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: unknown };
}

type Sample = [number, string];

function sampleValue(response: QueryResponse, query: string): number {
  const data = response.data;
  if (!data) throw new QueryRejectedError(`no data section in the answer to ${query}`);
  let raw: string | undefined;
  if (data.resultType === "scalar") raw = (data.result as Sample)[1];
  else if (data.resultType === "vector") {
    const series = data.result as Array<{ value: Sample }>;
    if (series.length === 0) throw new NoDataError(`no samples for ${query}`);
    if (series.length > 1)
      throw new QueryRejectedError(`${series.length} series for ${query}; the query must aggregate to one`);
    raw = series[0]?.value[1];
  } else
    throw new QueryRejectedError(`result type ${data.resultType} for ${query}; expected vector or scalar`);
  const value = Number(raw);
  if (raw === undefined || Number.isNaN(value))
    throw new NoDataError(`NaN for ${query} (no traffic in the window?)`);
  return value;
}

function vectorSamples(response: QueryResponse, query: string): VectorSample[] {
  const data = response.data;
  if (!data) throw new QueryRejectedError(`no data section in the answer to ${query}`);
  if (data.resultType !== "vector")
    throw new QueryRejectedError(`result type ${data.resultType} for ${query}; expected vector`);
  const series = data.result as Array<{ metric?: Record<string, string>; value: Sample }>;
  const samples = series
    .map((one) => ({ labels: one.metric ?? {}, value: Number(one.value?.[1]) }))
    .filter((sample) => !Number.isNaN(sample.value));
  if (samples.length === 0) throw new NoDataError(`no samples for ${query}`);
  return samples;
}

/** "timed out", "ECONNREFUSED"…: the useful part of a fetch failure. */
function networkDetail(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "timed out";
  const cause = (error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } })
    .cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? String(error);
}

export class PrometheusProvider implements MetricProvider {
  private readonly breaker: CircuitBreaker;
  private readonly options: PrometheusOptions;

  constructor(options: PrometheusOptions) {
    this.options = options;
    this.breaker = new CircuitBreaker(
      options.breaker ?? { failureThreshold: 3, openMs: 30_000 },
      options.clock,
    );
  }

  circuitState(): ReturnType<CircuitBreaker["state"]> {
    return this.breaker.state();
  }

  async isOnline(): Promise<boolean> {
    if (this.breaker.refusal()) return false;
    try {
      await this.runQuery("vector(1)");
      return true;
    } catch (error) {
      return !(error instanceof ProviderUnavailableError);
    }
  }

  async runQuery(query: string): Promise<number> {
    return this.guarded(async () => sampleValue(await this.queryOnce(query), query));
  }

  async runVectorQuery(query: string): Promise<VectorSample[]> {
    return this.guarded(async () => vectorSamples(await this.queryOnce(query), query));
  }

  /** Retries transient failures and counts them on the circuit breaker. */
  private async guarded<T>(attempt: () => Promise<T>): Promise<T> {
    const retry = this.options.retry ?? DEFAULT_RETRY;
    const unavailable = (error: unknown) => error instanceof ProviderUnavailableError;
    try {
      return await this.breaker.call(
        () => withRetry(attempt, retry, { retryable: unavailable }),
        unavailable,
      );
    } catch (error) {
      if (error instanceof CircuitOpenError)
        throw new ProviderUnavailableError(`Prometheus ${error.message}`);
      throw error;
    }
  }

  private async queryOnce(query: string): Promise<QueryResponse> {
    const url = `${this.options.url.replace(/\/$/, "")}/api/v1/query?${new URLSearchParams({ query })}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    } catch (error) {
      throw new ProviderUnavailableError(
        `Prometheus at ${this.options.url} unreachable: ${networkDetail(error)}`,
      );
    }
    if (response.status >= 500 || response.status === 429) {
      throw new ProviderUnavailableError(`Prometheus answered HTTP ${response.status}`);
    }
    let body: QueryResponse;
    try {
      body = (await response.json()) as QueryResponse;
    } catch {
      throw new ProviderUnavailableError(
        `Prometheus answered HTTP ${response.status} with a body that is not JSON`,
      );
    }
    if (response.status >= 400 || body.status !== "success") {
      throw new QueryRejectedError(
        `Prometheus rejected the query: ${body.error ?? `HTTP ${response.status}`}`,
      );
    }
    return body;
  }
}
