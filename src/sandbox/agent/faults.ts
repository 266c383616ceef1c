/**
 * Fault injection for the sample agent, so sandbox scenarios can release a good or a bad version
 * by its version string alone (the pod template's `AGENT_VERSION`), or by explicit env.
 *
 * | version contains | env (wins over the version)  | effect                                           |
 * | ---------------- | ---------------------------- | ------------------------------------------------ |
 * | `-bad`           | `FAULT_ERROR_RATE=0.3`       | that share of records fails (HTTP 500)           |
 * | `-bad<N>`        | `FAULT_ERROR_RATE=<N/100>`   | N % of records fail, e.g. `-bad5`, `-bad2.5`     |
 * | `-noise<N>`      | `FAULT_NOISE_RATE=<N/100>`   | N % fail at random, as a healthy agent's baseline; also puts `errorRate` in random mode |
 * |                  | `FAULT_ERROR_MODE=random`    | `errorRate` failures at random (`even`: spread evenly, the default) |
 * |                  | `FAULT_SEED=<text>`          | seed of the random failures (default: pod and version) |
 * | `-slow`          | `FAULT_LATENCY_MS=1200`      | every record takes that much longer              |
 * | `-slowx<N>`      | `FAULT_LATENCY_FACTOR=<N>`   | the base processing time is N times longer, so its p95 is N× |
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
  /** Share of records that fail, 0..1, placed as `errorMode` says. */
  errorRate: number;
  /** `even`: exactly `errorRate` of any run of records, spread out; `random`: each record independently. */
  errorMode: ErrorMode;
  /** Share of records that fail at random on top of `errorRate`: a healthy agent's natural noise. */
  noiseRate: number;
  /** Seed of the random failures; undefined: the agent derives one from its pod and version. */
  seed: string | undefined;
  /** Extra latency per record, in milliseconds. */
  latencyMs: number;
  /** Multiplies the base processing time per record (1: unchanged). */
  latencyFactor: number;
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

export const ERROR_MODES = ["even", "random"] as const;
export type ErrorMode = (typeof ERROR_MODES)[number];

export const NO_FAULTS: Faults = {
  errorRate: 0,
  errorMode: "even",
  noiseRate: 0,
  seed: undefined,
  latencyMs: 0,
  latencyFactor: 1,
  quality: undefined,
  healthStatus: 0,
  crashOnStart: false,
};

type Env = Readonly<Record<string, string | undefined>>;

function hasMarker(version: string, marker: keyof typeof VERSION_FAULTS): boolean {
  return new RegExp(`-${marker}(?![a-z])`, "i").test(version);
}

/**
 * The number after a marker (`-bad5` → 5, `-slowx10` with prefix `x` → 10), null for the bare
 * marker, undefined when absent. A letter right after the marker is another word (`-badger`).
 */
function markerNumber(version: string, marker: string, prefix = ""): number | null | undefined {
  const match = new RegExp(`-${marker}(?:${prefix}(\\d+(?:\\.\\d+)?))?(?![a-z\\d.])`, "i").exec(version);
  if (!match) return undefined;
  return match[1] === undefined ? null : Number(match[1]);
}

/** `-bad` → the default 30 %, `-bad<N>` → N %, absent → 0. */
function errorRateOf(version: string): number {
  const percent = markerNumber(version, "bad");
  if (percent === undefined) return 0;
  return percent === null ? VERSION_FAULTS.bad.errorRate : Math.min(1, percent / 100);
}

function errorModeOf(env: Env, fallback: ErrorMode): ErrorMode {
  const text = env.FAULT_ERROR_MODE;
  if (text === undefined || text === "") return fallback;
  if ((ERROR_MODES as readonly string[]).includes(text)) return text as ErrorMode;
  throw new Error(`FAULT_ERROR_MODE=${JSON.stringify(text)} must be one of ${ERROR_MODES.join(", ")}`);
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
  const noisePercent = markerNumber(version, "noise") ?? undefined;
  const slowFactor = markerNumber(version, "slow", "x") ?? undefined;
  const fromVersion: Faults = {
    errorRate: errorRateOf(version),
    errorMode: noisePercent === undefined ? "even" : "random",
    noiseRate: noisePercent === undefined ? 0 : Math.min(1, noisePercent / 100),
    seed: undefined,
    latencyMs: hasMarker(version, "slow") ? VERSION_FAULTS.slow.latencyMs : 0,
    latencyFactor: slowFactor ?? 1,
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
    errorMode: errorModeOf(env, fromVersion.errorMode),
    noiseRate: envNumber(env, "FAULT_NOISE_RATE", 0, 1) ?? fromVersion.noiseRate,
    seed: env.FAULT_SEED || undefined,
    latencyMs: envNumber(env, "FAULT_LATENCY_MS", 0, 600_000) ?? fromVersion.latencyMs,
    latencyFactor: envNumber(env, "FAULT_LATENCY_FACTOR", 0, 1000) ?? fromVersion.latencyFactor,
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

/** mulberry32 seeded from an FNV-1a hash of the text: a small, fast, reproducible generator. */
export function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    state ^= seed.charCodeAt(index);
    state = Math.imul(state, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Which records fail, from all of a version's error faults: `errorRate` evenly or at random (its
 * mode), and the random noise on top. `fallbackSeed` seeds the random draws unless the faults name
 * a seed, so each pod draws its own sequence, reproducibly.
 */
export function failurePicker(faults: Faults, fallbackSeed: string): () => boolean {
  const random = seededRandom(faults.seed ?? fallbackSeed);
  const schedule = new FailureSchedule(faults.errorRate);
  const fault =
    faults.errorMode === "random"
      ? () => faults.errorRate > 0 && random() < faults.errorRate
      : () => schedule.next();
  return () => {
    const failed = fault();
    // Drawn for every record, failed or not, so the noise sequence does not depend on the fault.
    const noisy = faults.noiseRate > 0 && random() < faults.noiseRate;
    return failed || noisy;
  };
}
