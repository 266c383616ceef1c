/** Which faults a version or env injects into the sample agent, and how evenly failures spread. */
import { describe, expect, it } from "vitest";
import { FailureSchedule, faultsFor, NO_FAULTS } from "../../src/sandbox/agent/faults.ts";
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
