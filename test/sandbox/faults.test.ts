/** Which faults a version or env injects into the sample agent, and how evenly failures spread. */
import { describe, expect, it } from "vitest";
import {
  FailureSchedule,
  failurePicker,
  faultsFor,
  NO_FAULTS,
  seededRandom,
} from "../../src/sandbox/agent/faults.ts";
import { settingsFromEnv } from "../../src/sandbox/agent/settings.ts";

describe("faultsFor", () => {
  it("injects nothing into a plain version", () => {
    expect(faultsFor("1.4.2", {})).toEqual(NO_FAULTS);
    expect(faultsFor("1.4.2-badger", {})).toEqual(NO_FAULTS);
  });

  it("maps version markers to faults", () => {
    expect(faultsFor("2.0.0-bad", {}).errorRate).toBe(0.3);
    expect(faultsFor("2.0.0-slow", {}).latencyMs).toBe(1200);
    expect(faultsFor("2.0.0-lowquality", {}).quality).toBe(0.8);
    expect(faultsFor("2.0.0-degraded", {}).healthStatus).toBe(1);
    expect(faultsFor("2.0.0-unhealthy", {}).healthStatus).toBe(2);
    expect(faultsFor("2.0.0-crash", {}).crashOnStart).toBe(true);
    expect(faultsFor("2.0.0-bad-slow", {})).toMatchObject({ errorRate: 0.3, latencyMs: 1200 });
  });

  it("lets env override or switch off what the version implies", () => {
    expect(faultsFor("2.0.0-bad", { FAULT_ERROR_RATE: "0.05" }).errorRate).toBe(0.05);
    expect(faultsFor("2.0.0-bad", { FAULT_ERROR_RATE: "0" }).errorRate).toBe(0);
    expect(faultsFor("2.0.0", { FAULT_LATENCY_MS: "250", FAULT_QUALITY: "0.5" })).toMatchObject({
      latencyMs: 250,
      quality: 0.5,
    });
    expect(faultsFor("2.0.0-crash", { FAULT_CRASH_ON_START: "0" }).crashOnStart).toBe(false);
    expect(faultsFor("2.0.0", { FAULT_CRASH_ON_START: "1" }).crashOnStart).toBe(true);
  });

  it("reads numeric markers: failure percentages, random noise and a latency factor", () => {
    expect(faultsFor("2.0.0-bad5", {})).toMatchObject({ errorRate: 0.05, errorMode: "even", noiseRate: 0 });
    expect(faultsFor("2.0.0-bad2.5", {}).errorRate).toBe(0.025);
    expect(faultsFor("2.0.0-bad30-noise0.5", {})).toMatchObject({
      errorRate: 0.3,
      errorMode: "random",
      noiseRate: 0.005,
    });
    expect(faultsFor("2.0.0-noise0.5", {})).toMatchObject({ errorRate: 0, noiseRate: 0.005 });
    expect(faultsFor("2.0.0-slowx10", {})).toMatchObject({ latencyFactor: 10, latencyMs: 0 });
    expect(faultsFor("2.0.0-slow", {})).toMatchObject({ latencyFactor: 1, latencyMs: 1200 });
    expect(faultsFor("2.0.0-noisy-badger", {})).toEqual(NO_FAULTS);
  });

  it("takes the random mode, noise, seed and latency factor from env", () => {
    expect(
      faultsFor("2.0.0-bad5", {
        FAULT_ERROR_MODE: "random",
        FAULT_NOISE_RATE: "0.01",
        FAULT_SEED: "s1",
        FAULT_LATENCY_FACTOR: "4",
      }),
    ).toMatchObject({ errorRate: 0.05, errorMode: "random", noiseRate: 0.01, seed: "s1", latencyFactor: 4 });
    expect(faultsFor("2.0.0-noise1", { FAULT_ERROR_MODE: "even" }).errorMode).toBe("even");
    expect(() => faultsFor("1", { FAULT_ERROR_MODE: "sometimes" })).toThrow(
      /FAULT_ERROR_MODE="sometimes" must be one of even, random/,
    );
  });

  it("rejects values out of range, naming the variable", () => {
    expect(() => faultsFor("1", { FAULT_ERROR_RATE: "1.5" })).toThrow(
      /FAULT_ERROR_RATE="1.5" must be a number between 0 and 1/,
    );
    expect(() => faultsFor("1", { FAULT_HEALTH_STATUS: "1.5" })).toThrow(/FAULT_HEALTH_STATUS/);
  });
});

describe("FailureSchedule", () => {
  it("fails exactly the rate's share of any run of records, spread out", () => {
    const schedule = new FailureSchedule(0.3);
    const outcomes = Array.from({ length: 100 }, () => schedule.next());
    expect(outcomes.filter(Boolean)).toHaveLength(30);
    expect(outcomes.slice(0, 10).filter(Boolean)).toHaveLength(3);
    const none = new FailureSchedule(0);
    expect(Array.from({ length: 50 }, () => none.next()).some(Boolean)).toBe(false);
  });
});

describe("failurePicker", () => {
  const draws = (pick: () => boolean, count: number) => Array.from({ length: count }, pick);
  const share = (outcomes: boolean[]) => outcomes.filter(Boolean).length / outcomes.length;

  it("fails at random at about the noise rate, reproducibly for one seed, differently for another", () => {
    const noisy = { ...NO_FAULTS, ...faultsFor("1.0.0-noise2", {}) };
    const first = draws(failurePicker(noisy, "pod-a"), 20_000);
    expect(share(first)).toBeGreaterThan(0.015);
    expect(share(first)).toBeLessThan(0.025);
    expect(draws(failurePicker(noisy, "pod-a"), 20_000)).toEqual(first);
    expect(draws(failurePicker(noisy, "pod-b"), 20_000)).not.toEqual(first);
    // Not spread evenly: somewhere two failures come closer than the even spacing of 50.
    const failedAt = first.flatMap((failed, index) => (failed ? [index] : []));
    expect(failedAt.some((at, index) => index > 0 && at - (failedAt[index - 1] ?? 0) < 25)).toBe(true);
  });

  it("adds the noise to a bad version's rate, in random mode", () => {
    const outcomes = draws(failurePicker(faultsFor("1.0.0-bad5-noise0.5", {}), "p"), 40_000);
    // 1 − 0.95 × 0.995 ≈ 5.5 %
    expect(share(outcomes)).toBeGreaterThan(0.05);
    expect(share(outcomes)).toBeLessThan(0.06);
  });

  it("keeps the even schedule when no noise or random mode is asked for", () => {
    expect(share(draws(failurePicker(faultsFor("1.0.0-bad5", {}), "p"), 100))).toBe(0.05);
    expect(draws(failurePicker(NO_FAULTS, "p"), 1000).some(Boolean)).toBe(false);
  });

  it("draws uniform numbers in [0, 1)", () => {
    const random = seededRandom("x");
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((sum, value) => sum + value, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});

describe("settingsFromEnv", () => {
  it("reads the pod env of REQUIREMENTS §1 and the sandbox ports", () => {
    const settings = settingsFromEnv({
      AGENT_ID: "ingest",
      ENVIRONMENT: "prod",
      DATA_THROUGHPUT_TARGET: "5000",
      MAX_CONCURRENT_STREAMS: "4",
      DATA_CONFIG_BATCH_SIZE: "100",
      TRACK: "green",
      POD_NAME: "ingest-green-abc",
      NAMESPACE: "data-processing",
      AGENT_VERSION: "1.5.0",
      HTTP_PORT: "18080",
      GRPC_PORT: "18081",
      ADMIN_PORT: "18082",
    });
    expect(settings).toMatchObject({
      agentId: "ingest",
      environment: "prod",
      throughputTarget: 5000,
      maxConcurrentStreams: 4,
      dataConfig: { BATCH_SIZE: "100" },
      track: "green",
      pod: "ingest-green-abc",
      ports: { http: 18080, grpc: 18081, admin: 18082 },
      host: "127.0.0.1",
    });
    expect(() => settingsFromEnv({})).toThrow(/AGENT_ID is required/);
    expect(() => settingsFromEnv({ AGENT_ID: "a", MAX_CONCURRENT_STREAMS: "0" })).toThrow(
      /MAX_CONCURRENT_STREAMS/,
    );
  });
});
