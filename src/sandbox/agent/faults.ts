/**
 * Fault injection for the sample agent, so sandbox scenarios can release a good or a bad version
 * by its version string alone (the pod template's `AGENT_VERSION`), or by explicit env.
 *
 * | version contains | env (wins over the version)  | effect                                           |
 * | ---------------- | ---------------------------- | ------------------------------------------------ |
 * | `-bad`           | `FAULT_ERROR_RATE=0.3`       | that share of records fails (HTTP 500)           |
 * | `-slow`          | `FAULT_LATENCY_MS=1200`      | every record takes that much longer              |
 * | `-lowquality`    | `FAULT_QUALITY=0.8`          | `agent_data_quality_score` drops to that value   |
 * | `-degraded`      | `FAULT_HEALTH_STATUS=1`      | `agent_health_status` reports 1 (degraded)       |
 * | `-unhealthy`     | `FAULT_HEALTH_STATUS=2`      | health 2 and readiness fails (503)               |
 * | `-crash`         | `FAULT_CRASH_ON_START=1`     | the process exits with status 1 before listening |
 *
 * The version defaults sit just past the product's analysis defaults (error rate 1%, p95 1 s,
 * quality 0.95), so a canary of such a version fails analysis clearly. Env values of 0 (or `0`
 * for the crash flag) switch a version-implied fault off.
 */

export interface Faults {
  /** Share of records that fail, 0..1. Failures are spread evenly, not random. */
  errorRate: number;
  /** Extra latency per record, in milliseconds. */
  latencyMs: number;
  /** Data quality score reported instead of the healthy baseline, or undefined for the baseline. */
  quality: number | undefined;
  /** Health status forced by the fault: 0 healthy, 1 degraded, 2 unhealthy. */
  healthStatus: 0 | 1 | 2;
  crashOnStart: boolean;
}

/** What a version marker implies when no env overrides it. */
export const VERSION_FAULTS = {
  bad: { errorRate: 0.3 },
  slow: { latencyMs: 1200 },
  lowquality: { quality: 0.8 },
  degraded: { healthStatus: 1 },
  unhealthy: { healthStatus: 2 },
  crash: { crashOnStart: true },
} as const;

export const NO_FAULTS: Faults = {
  errorRate: 0,
  latencyMs: 0,
  quality: undefined,
  healthStatus: 0,
  crashOnStart: false,
};

type Env = Readonly<Record<string, string | undefined>>;

function hasMarker(version: string, marker: keyof typeof VERSION_FAULTS): boolean {
  return new RegExp(`-${marker}(?![a-z])`, "i").test(version);
}

function envNumber(env: Env, key: string, min: number, max: number): number | undefined {
  const text = env[key];
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${key}=${JSON.stringify(text)} must be a number between ${min} and ${max}`);
  }
  return value;
}

function healthStatusOf(value: number | undefined, fallback: 0 | 1 | 2): 0 | 1 | 2 {
  if (value === undefined) return fallback;
  if (value === 0 || value === 1 || value === 2) return value;
  throw new Error(`FAULT_HEALTH_STATUS must be 0, 1 or 2, got ${value}`);
}

/** Faults for a version and env; env settings override what the version implies. */
export function faultsFor(version: string, env: Env): Faults {
  const fromVersion: Faults = {
    errorRate: hasMarker(version, "bad") ? VERSION_FAULTS.bad.errorRate : 0,
    latencyMs: hasMarker(version, "slow") ? VERSION_FAULTS.slow.latencyMs : 0,
    quality: hasMarker(version, "lowquality") ? VERSION_FAULTS.lowquality.quality : undefined,
    healthStatus: hasMarker(version, "unhealthy")
      ? VERSION_FAULTS.unhealthy.healthStatus
      : hasMarker(version, "degraded")
        ? VERSION_FAULTS.degraded.healthStatus
        : 0,
    crashOnStart: hasMarker(version, "crash"),
  };
  const crash = env.FAULT_CRASH_ON_START;
  return {
    errorRate: envNumber(env, "FAULT_ERROR_RATE", 0, 1) ?? fromVersion.errorRate,
    latencyMs: envNumber(env, "FAULT_LATENCY_MS", 0, 600_000) ?? fromVersion.latencyMs,
    quality: envNumber(env, "FAULT_QUALITY", 0, 1) ?? fromVersion.quality,
    healthStatus: healthStatusOf(envNumber(env, "FAULT_HEALTH_STATUS", 0, 2), fromVersion.healthStatus),
    crashOnStart:
      crash === undefined || crash === "" ? fromVersion.crashOnStart : crash === "1" || crash === "true",
  };
}

/**
 * Decides which records fail so that exactly `rate` of any run of records fails (a Bresenham-style
 * accumulator): error shares are predictable in tests and steady in Prometheus, unlike coin flips.
 */
export class FailureSchedule {
  readonly #rate: number;
  #seen = 0;
  #failed = 0;

  constructor(rate: number) {
    this.#rate = rate;
  }

  /** True when the next record must fail. */
  next(): boolean {
    this.#seen += 1;
    const due = Math.floor(this.#seen * this.#rate + 1e-9);
    if (due > this.#failed) {
      this.#failed = due;
      return true;
    }
    return false;
  }
}
