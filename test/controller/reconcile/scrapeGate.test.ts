/**
 * The scrape gate (src/controller/rollout/scrapeGate.ts): a release's first canary traffic waits
 * until Prometheus scrapes the canary's pods, so the evidence counts every canary record; bounded,
 * so a fleet Prometheus never sees releases blind, with a Warning.
 */
import { describe, expect, it, vi } from "vitest";
import { defaultAnalysisMetrics } from "../../../src/contract/analysisQueries.ts";
import { SCRAPE_GATE_MIN_SECONDS } from "../../../src/controller/rollout/scrapeGate.ts";
import type { AgentRolloutStatus, AnalysisSpec, EvidenceSpec } from "../../../src/crd/agentRollout.ts";
import { FAST_LATENCY, isScrapedPodsQuery } from "../support/fakePrometheus.ts";
import {
  decided,
  type FixtureOptions,
  fixedWallClock,
  ReconcileFixture,
  rev,
  T0,
} from "./support/fixture.ts";

fixedWallClock();

const EVIDENCE: EvidenceSpec = {
  lookIntervalSeconds: 1,
  confidence: 0.95,
  maxErrorRate: 0.01,
  maxErrorRateOverStable: 0.005,
  maxSlowShareOverStable: 0.05,
};
const ANALYSIS: Partial<AnalysisSpec> = {
  intervalSeconds: 6,
  count: 1,
  metrics: defaultAnalysisMetrics({
    intervalSeconds: 6,
    maxErrorRate: 0.01,
    maxLatencyP95Seconds: 1,
    minDataQuality: 0.95,
  }).filter((metric) => metric.name === "data-quality"),
  evidence: EVIDENCE,
};
const GOOD_TRAFFIC = { recordsPerSecond: 10, failureRate: 0, latency: FAST_LATENCY };

/** 1.1.0 on green over 1.0.0 on blue: its first step chosen, its pod ready, no traffic on it yet. */
function releaseStarting(analysis: Partial<AnalysisSpec> = ANALYSIS): FixtureOptions {
  const status: AgentRolloutStatus = {
    activeTrack: "blue",
    stableRevision: rev("1.0.0"),
    canaryRevision: rev("1.1.0"),
    currentStepIndex: 0,
    analysis: { successes: 0, failures: 0, inconclusives: 0, lastMeasurements: [] },
  };
  return {
    minReplicas: 4,
    version: "1.1.0",
    steps: [{ setWeight: 5, pause: { durationSeconds: 60 } }, { setWeight: 100 }],
    analysis,
    status,
    tracks: { blue: { version: "1.0.0", replicas: 4 }, green: { version: "1.1.0", replicas: 1 } },
    weights: { blue: 100, green: 0 },
  };
}

const gateQueries = (fixture: ReconcileFixture) => fixture.provider.queries.filter(isScrapedPodsQuery);

describe("the scrape gate", () => {
  it("holds the first canary traffic until Prometheus scrapes a canary pod, then routes it", async () => {
    const fixture = new ReconcileFixture(releaseStarting());
    fixture.provider.setTraffic("blue", GOOD_TRAFFIC);
    const held = await fixture.reconcile();
    expect(held.status.weights).toEqual({ blue: 100, green: 0 });
    expect(held.status.message).toMatch(/waiting since .* for Prometheus to scrape track green/);
    expect(held.status.scrapeGate).toEqual({ since: new Date(T0).toISOString() });
    expect(gateQueries(fixture)).toEqual([
      'count(agent_records_processed_total{namespace="data-processing",agent="ingest",track="green"})',
    ]);
    expect(held.result.requeueAfterMs).toBe(1000);

    fixture.provider.setTraffic("green", GOOD_TRAFFIC);
    fixture.clock.advance(1);
    vi.setSystemTime(T0 + 1000);
    const open = await fixture.reconcile();
    expect(open.status.weights).toEqual({ blue: 95, green: 5 });
    expect(decided(open)).toContainEqual(expect.stringMatching(/^scrape-gate: Prometheus scrapes 1 pod/));
    expect(open.events.map((event) => `${event.type} ${event.reason}`)).toContain("Normal CanaryScraped");
    expect(open.status.scrapeGate?.passedAt).toBeDefined();
    expect(open.status.scrapeGate?.blind).toBeUndefined();
  });

  it("routes the traffic unseen, with a Warning, once the wait ran out", async () => {
    const fixture = new ReconcileFixture(releaseStarting());
    const first = await fixture.reconcile();
    expect(first.status.weights).toEqual({ blue: 100, green: 0 });
    fixture.clock.advance(SCRAPE_GATE_MIN_SECONDS - 1);
    vi.setSystemTime(T0 + (SCRAPE_GATE_MIN_SECONDS - 1) * 1000);
    expect((await fixture.reconcile()).status.weights).toEqual({ blue: 100, green: 0 });
    fixture.clock.advance(1);
    vi.setSystemTime(T0 + SCRAPE_GATE_MIN_SECONDS * 1000);
    const blind = await fixture.reconcile();
    expect(blind.status.weights).toEqual({ blue: 95, green: 5 });
    expect(blind.status.scrapeGate).toMatchObject({ blind: true });
    const warning = blind.events.find((event) => event.reason === "CanaryUnscraped");
    expect(warning?.type).toBe("Warning");
    expect(warning?.message).toMatch(/not scraped track green after 30 s.*no-data rules apply/);
  });

  it("a provider that cannot be asked is a problem, and the traffic still waits", async () => {
    const fixture = new ReconcileFixture(releaseStarting());
    fixture.provider.setTrack("green", "unavailable");
    const pass = await fixture.reconcile();
    expect(pass.status.weights).toEqual({ blue: 100, green: 0 });
    expect(pass.result.problems).toContainEqual(expect.stringMatching(/^scrape gate: .*connection refused/));
  });

  it("does not gate a release without evidence analysis, nor one whose canary already has traffic", async () => {
    const plain = new ReconcileFixture(releaseStarting({ ...ANALYSIS, evidence: undefined }));
    const routed = await plain.reconcile();
    expect(routed.status.weights).toEqual({ blue: 95, green: 5 });
    expect(gateQueries(plain)).toEqual([]);

    const started = releaseStarting();
    const running = new ReconcileFixture({ ...started, weights: { blue: 95, green: 5 } });
    const pass = await running.reconcile();
    expect(pass.status.weights).toEqual({ blue: 95, green: 5 });
    expect(gateQueries(running)).toEqual([]);
  });

  it("is cleared with the release: an abort leaves no gate behind for the next one", async () => {
    const fixture = new ReconcileFixture(releaseStarting());
    fixture.provider.setTraffic("blue", GOOD_TRAFFIC);
    fixture.provider.setTraffic("green", { ...GOOD_TRAFFIC, failureRate: 0.5 });
    await fixture.reconcile();
    let aborted = false;
    for (let second = 1; second <= 10 && !aborted; second += 1) {
      fixture.clock.advance(1);
      vi.setSystemTime(T0 + second * 1000);
      const pass = await fixture.reconcile();
      aborted = pass.status.abortedRevision !== undefined;
      if (aborted) expect(pass.status.scrapeGate).toBeUndefined();
    }
    expect(aborted).toBe(true);
  });
});
