/**
 * The metric provider port (Flagger's two methods plus a vector query): `runQuery` answers one
 * number, `runVectorQuery` one sample per series (the latency buckets, one per `le`); both throw
 * one of three sentinel errors, so "no data" is never mistaken for a value and a dead provider is
 * never mistaken for a bad canary.
 */

/** The query ran and matched no samples (or only NaN): never a success. */
export class NoDataError extends Error {
  override readonly name = "NoDataError";
}

/** The provider answered but refused or could not reduce the query to one value (4xx, several series). */
export class QueryRejectedError extends Error {
  override readonly name = "QueryRejectedError";
}

/** The provider could not be asked: unreachable, timing out, failing (5xx) or the circuit is open. */
export class ProviderUnavailableError extends Error {
  override readonly name = "ProviderUnavailableError";
}

/** One series of an instant vector: its labels and its value. */
export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricProvider {
  /** One scalar for the query; throws NoDataError, QueryRejectedError or ProviderUnavailableError. */
  runQuery(query: string): Promise<number>;
  /**
   * Every series of an instant-vector query (e.g. `sum by (le) (…)`); no series is a NoDataError,
   * NaN samples are dropped. Throws as `runQuery`.
   */
  runVectorQuery(query: string): Promise<VectorSample[]>;
  /** Whether queries can be answered now (cheap; honours the circuit breaker). */
  isOnline(): Promise<boolean>;
}
