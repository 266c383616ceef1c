/**
 * End to end on one sandbox (the dev stack run for real on this machine, timings 10× faster):
 * a good canary is promoted, a bad canary is rolled back with no failed request after the
 * abort, a canary failing 2 % of its records is aborted on evidence, a blue-green switch drops none of 20,000+ requests, and the HTML report of the bad
 * canary renders its data in headless Chromium. The releases run in this order on purpose: each
 * starts from the state the previous one left.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import type uPlot from "uplot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReleaseReport } from "../../src/sandbox/report/index.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts";
import { scenarioCatalog } from "../../src/sandbox/scenarios/catalog.ts";
import { type ReleaseRecord, runRelease } from "../../src/sandbox/scenarios/releaseRun.ts";
import { waitUntilSettled } from "../../src/sandbox/scenarios/run.ts";
import {
  countBy,
  describeSamples,
  launchChromium,
  otherTrack,
  RELEASE_TIMEOUT_MS,
  SANDBOX_HOOK_TIMEOUT_MS,
  stableState,
  TAIL_REQUESTS,
} from "./support.ts";

const catalog = scenarioCatalog(() => undefined);
const [goodCanary] = catalog.demo?.releases ?? [];
const [badCanary] = catalog["bad-canary"]?.releases ?? [];
const [blueGreen] = catalog["blue-green"]?.releases ?? [];

/**
 * Blue-green load: ≥ 20,000 requests need ≥ 40 s at this rate; the release alone is shorter. The
 * run goes on until that many were answered, however slow a loaded machine makes the generator.
 */
const BLUE_GREEN_RATE = 500;
const BLUE_GREEN_MIN_REQUESTS = 20_000;
const BLUE_GREEN_MIN_DURATION_MS = 44_000;
/** As `TAIL_REQUESTS`, at the blue-green rate. */
const BLUE_GREEN_TAIL_REQUESTS = 1000;

/**
 * A 2 % canary needs a few hundred of its records before the difference from stable is
 * significant: at this rate a few seconds of its 50 % step.
 */
const BAD2_RATE = 100;

/** What the report page exposes to checks (read inside `page.evaluate`). */
interface ReportPage {
  reportCharts: Record<"traffic" | "requests" | "latency", uPlot>;
  document: { documentElement: { dataset: Record<string, string | undefined> } };
}

describe("releases in the sandbox", () => {
  let sandbox: Sandbox;
  let badRecord: ReleaseRecord | undefined;
  let browser: Browser | undefined;
  let reportDir: string | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({ timeScale: 10 });
    await waitUntilSettled(sandbox, ["ingest", "enrich"]);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
    if (reportDir) await rm(reportDir, { recursive: true, force: true });
  }, SANDBOX_HOOK_TIMEOUT_MS);

  it(
    "a good canary (ingest → 1.5.0) is promoted: all traffic on the new track, served by the new version",
    async () => {
      if (!goodCanary) throw new Error("the demo scenario has no good canary");
      expect(goodCanary).toMatchObject({ agent: "ingest", version: "1.5.0" });
      const before = await stableState(sandbox, "ingest");
      const newTrack = otherTrack(before.track);

      const record = await runRelease(sandbox, goodCanary, {
        timeoutMs: RELEASE_TIMEOUT_MS - 20_000,
        tailRequests: TAIL_REQUESTS,
      });

      expect(record.outcome, record.finalStatus.message).toBe("promoted");
      expect(record.finalStatus).toMatchObject({ phase: "Healthy", activeTrack: newTrack });
      expect(record.finalStatus.weights).toEqual({ [newTrack]: 100, [before.track]: 0 });
      // The canary went through its steps rather than jumping: traffic was split at some point.
      expect(
        record.report.timeline.some((point) => point.weights[newTrack] > 0 && point.weights[newTrack] < 100),
      ).toBe(true);
      const outcomeAt = record.outcomeAt ?? Number.POSITIVE_INFINITY;
      const atTheEnd = record.samples.filter((sample) => sample.at > outcomeAt);
      expect(atTheEnd.length, "requests sent after the promotion").toBeGreaterThanOrEqual(TAIL_REQUESTS);
      expect(countBy(atTheEnd, "version")).toEqual({ "1.5.0": atTheEnd.length });
      expect(countBy(atTheEnd, "track")).toEqual({ [newTrack]: atTheEnd.length });
      expect(atTheEnd.filter((sample) => !sample.ok)).toEqual([]);
    },
    RELEASE_TIMEOUT_MS,
  );

  it(
    "a bad canary (ingest → 1.6.0-bad) is aborted: Degraded naming error-rate, and every request after the abort served by stable",
    async () => {
      if (!badCanary) throw new Error("the bad-canary scenario has no release");
      expect(badCanary).toMatchObject({ agent: "ingest", version: "1.6.0-bad" });
      const before = await stableState(sandbox, "ingest");
      expect(before.status.phase).toBe("Healthy");

      const record = await runRelease(sandbox, badCanary, {
        timeoutMs: RELEASE_TIMEOUT_MS - 20_000,
        tailRequests: TAIL_REQUESTS,
      });
      badRecord = record;

      expect(record.outcome, record.finalStatus.message).toBe("aborted");
      expect(record.finalStatus.phase).toBe("Degraded");
      expect(record.finalStatus.message).toMatch(/error-rate = 0\.[0-9]+ \(must be <= 0\.01\)/);
      expect(record.finalStatus.activeTrack).toBe(before.track);
      expect(record.report.fromVersion).toBe(before.version);
      expect(record.finalStatus.weights).toEqual({ [before.track]: 100, [otherTrack(before.track)]: 0 });

      // The fault was real: the bad version served requests and some of them failed.
      const bad = record.samples.filter((sample) => sample.version === "1.6.0-bad");
      expect(bad.length).toBeGreaterThan(0);
      expect(record.samples.filter((sample) => !sample.ok).length).toBeGreaterThan(0);

      // abortedAt is when the first status sample (every 500 ms) showing 0% on the new track had
      // been read; the router had the weights before the controller wrote them, so no grace is added.
      expect(record.abortedAt).toBeDefined();
      const abortedAt = record.abortedAt ?? Number.POSITIVE_INFINITY;
      const afterAbort = record.samples.filter((sample) => sample.at >= abortedAt);
      expect(afterAbort.length, "requests sent after the abort").toBeGreaterThanOrEqual(TAIL_REQUESTS);
      const notStable = afterAbort.filter(
        (sample) => !sample.ok || sample.track !== before.track || sample.version !== before.version,
      );
      expect(
        notStable,
        `after the abort, not a success from ${before.track}/${before.version}: ${describeSamples(notStable)}`,
      ).toEqual([]);
    },
    RELEASE_TIMEOUT_MS,
  );

  it(
    "a 2 %-failing canary (ingest → 1.6.1-bad2, twice the 1 % threshold) is aborted on evidence, never promoted",
    async () => {
      // Starts from the previous abort (Degraded, all traffic on stable).
      const before = await stableState(sandbox, "ingest");
      const record = await runRelease(
        sandbox,
        { agent: "ingest", version: "1.6.1-bad2", expect: "aborted" },
        { ratePerSecond: BAD2_RATE, timeoutMs: RELEASE_TIMEOUT_MS - 20_000, tailRequests: TAIL_REQUESTS },
      );

      expect(record.outcome, record.finalStatus.message).toBe("aborted");
      expect(record.finalStatus.activeTrack).toBe(before.track);
      expect(record.finalStatus.weights).toEqual({ [before.track]: 100, [otherTrack(before.track)]: 0 });
      expect(record.finalStatus.message).toMatch(/error-rate/);
      // Aborted on evidence: the failed measurement carries its records and its interval.
      const failed = (record.finalStatus.analysis?.lastMeasurements ?? []).filter(
        (measurement) => measurement.phase === "Failed",
      );
      expect(failed.length).toBeGreaterThan(0);
      for (const measurement of failed) {
        expect(measurement.samples?.canary ?? 0).toBeGreaterThan(0);
        expect(measurement.interval?.lower ?? 0).toBeGreaterThan(measurement.limit ?? 1);
      }
      // The version really failed about 2 % of what it served, so the abort was not on noise.
      const served = record.samples.filter((sample) => sample.version === "1.6.1-bad2");
      expect(served.length).toBeGreaterThan(100);
      const failedShare = served.filter((sample) => !sample.ok).length / served.length;
      expect(failedShare).toBeGreaterThan(0.01);
      expect(failedShare).toBeLessThan(0.04);
    },
    RELEASE_TIMEOUT_MS,
  );

  it("the bad canary's HTML report renders its timeline and phase changes in headless Chromium, without errors", async () => {
    const record = badRecord;
    if (!record) throw new Error("the bad-canary release did not run");
    reportDir = await mkdtemp(join(tmpdir(), "agent-fleet-e2e-report-"));
    const written = await writeReleaseReport(record.report, reportDir);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(pathToFileURL(written.html).href);
    await page.waitForFunction(
      () => (globalThis as unknown as ReportPage).document.documentElement.dataset.charts === "ready",
      undefined,
      // A deadline for a hang, not a speed limit: a loaded machine renders slowly.
      { timeout: 60_000 },
    );
    expect(problems).toEqual([]);
    expect(await page.locator("header .meta").textContent()).toContain(
      `${record.report.fromVersion} → 1.6.0-bad`,
    );

    const timeline = record.report.timeline;
    const drawn = await page.evaluate(() => {
      const charts = (globalThis as unknown as ReportPage).reportCharts;
      return {
        traffic: charts.traffic.data.map((column) => [...column]),
        requests: charts.requests.data.map((column) => [...column]),
        latency: charts.latency.data.map((column) => [...column]),
      };
    });
    for (const chart of [drawn.traffic, drawn.requests, drawn.latency]) {
      for (const column of chart) expect(column).toHaveLength(timeline.length);
    }
    expect(drawn.traffic[0]).toEqual(timeline.map((point) => point.t / 1000));
    expect(drawn.traffic[1]).toEqual(timeline.map((point) => point.weights.blue));
    expect(drawn.traffic[2]).toEqual(timeline.map((point) => point.weights.green));
    expect(drawn.requests[1]).toEqual(timeline.map((point) => point.requestRate));

    const rows = await page
      .locator("#phase-changes tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
      );
    expect(rows.map((cells) => [cells[3], cells[4]])).toEqual(
      (record.report.phaseChanges ?? []).map((change) => [change.from ?? "", change.to]),
    );
    expect(rows[0]?.[3]).toBe("Healthy");
    const degraded = rows.at(-1);
    expect(degraded?.[4]).toBe("Degraded");
    expect(degraded?.[5]).toMatch(/error-rate/);
    expect(await page.locator("#outcome").textContent()).toMatch(/^aborted — Degraded/);
    // The abort is marked on the charts: a dashed line in the marker colour at its time.
    const abortChange = (record.report.phaseChanges ?? []).find((change) => change.to === "Degraded");
    if (!abortChange) throw new Error("no Degraded phase change recorded");
    const marker = await page.evaluate((at) => {
      const chart = (globalThis as unknown as ReportPage).reportCharts.latency;
      const x = Math.round(chart.valToPos(at / 1000, "x", true));
      const { top, height } = chart.bbox;
      const pixels = chart.ctx.getImageData(x, top, 1, height).data;
      let count = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        if (pixels[index] === 0xbc && pixels[index + 1] === 0x4c && pixels[index + 2] === 0x00) count += 1;
      }
      return { count, height };
    }, abortChange.t);
    expect(marker.count).toBeGreaterThan(marker.height * 0.3);
    expect(await page.locator("#analyses tbody tr").count()).toBe(record.report.analyses?.length ?? 0);
    expect(await page.locator("#analyses td.phase-Failed").count()).toBeGreaterThan(0);
  }, 120_000);

  it(
    `a blue-green switch (enrich → 2.1.0) under continuous load fails none of ${BLUE_GREEN_MIN_REQUESTS}+ requests`,
    async () => {
      if (!blueGreen) throw new Error("the blue-green scenario has no release");
      expect(blueGreen).toMatchObject({ agent: "enrich", version: "2.1.0" });
      const before = await stableState(sandbox, "enrich");
      const newTrack = otherTrack(before.track);

      const record = await runRelease(sandbox, blueGreen, {
        ratePerSecond: BLUE_GREEN_RATE,
        minDurationMs: BLUE_GREEN_MIN_DURATION_MS,
        minRequests: BLUE_GREEN_MIN_REQUESTS,
        tailRequests: BLUE_GREEN_TAIL_REQUESTS,
        timeoutMs: RELEASE_TIMEOUT_MS - 30_000,
      });

      expect(record.outcome, record.finalStatus.message).toBe("promoted");
      expect(record.samples.length).toBeGreaterThanOrEqual(BLUE_GREEN_MIN_REQUESTS);
      const failed = record.samples.filter((sample) => !sample.ok);
      expect(failed, `failed requests: ${describeSamples(failed)}`).toEqual([]);
      // The load spans the switch: both versions answered, old before new.
      const versions = countBy(record.samples, "version");
      expect(versions[before.version], `served: ${JSON.stringify(versions)}`).toBeGreaterThan(1000);
      expect(versions["2.1.0"], `served: ${JSON.stringify(versions)}`).toBeGreaterThan(1000);
      expect(record.finalStatus).toMatchObject({ phase: "Healthy", activeTrack: newTrack });
      expect(record.finalStatus.weights).toEqual({ [newTrack]: 100, [before.track]: 0 });
      // Traffic ended on the new version: the last requests all went to it.
      const outcomeAt = record.outcomeAt ?? Number.POSITIVE_INFINITY;
      const atTheEnd = record.samples.filter((sample) => sample.at > outcomeAt);
      expect(atTheEnd.length).toBeGreaterThanOrEqual(BLUE_GREEN_TAIL_REQUESTS);
      expect(countBy(atTheEnd, "version")).toEqual({ "2.1.0": atTheEnd.length });
      // The previous track was retired while the load ran.
      expect(sandbox.kubelet.pods("enrich").map((pod) => pod.spec.track)).not.toContain(before.track);
    },
    RELEASE_TIMEOUT_MS,
  );
});
