/** API errors as the controller reasons about them: conflict, not found, transient. */

export class KubeApiError extends Error {
  /** HTTP status; 0 when the server was not reached (connection refused, timeout). */
  readonly status: number;
  /** The `reason` of the API's `Status` (Conflict, NotFound, AlreadyExists…) or Unreachable/Timeout. */
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409 && error.reason !== "AlreadyExists";
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409 && error.reason === "AlreadyExists";
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

/** Worth retrying as is: the server was unreachable, overloaded or failed internally. */
export function isTransient(error: unknown): boolean {
  return error instanceof KubeApiError && (error.status === 0 || error.status === 429 || error.status >= 500);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
