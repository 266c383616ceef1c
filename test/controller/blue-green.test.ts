import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/controller/cli/commands.ts";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { GOOD } from "./support/fakePrometheus.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  deploymentReplicas,
  type Harness,
  readStatus,
  recordReplicasOnClock,
  releaseVersion,
  routeWeights,
  startHarness,
  waitFor,
  waitForIntervals,
  waitForStatus,
} from "./support/harness.ts";

async function selectorTrack(harness: Harness, service: string): Promise<string | undefined> {
  const object = await harness.cluster.get(KINDS.service, { namespace: NAMESPACE, name: service });
  return (object?.spec as { selector?: Record<string, string> } | undefined)?.selector?.track;
}

describe("blue-green release", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("switches the active Service only after pre-promotion analysis, keeps the old track for the delay", async () => {
    // 4 s scale-down delay at clock speed 5: 800 ms of real time.
    await createAgent(harness, {
      router: "serviceSelector",
      minReplicas: 3,
      blueGreen: { scaleDownDelaySeconds: 4, autoPromote: true },
      analysis: { inconclusiveLimit: 50 },
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    expect(await selectorTrack(harness, "ingest")).toBe("blue");

    harness.prometheus.setTrack("green", "noData");
    const blue = recordReplicasOnClock(harness, "ingest-blue");
    await releaseVersion(harness, "2.0.0");
    await waitForStatus(harness, "preview up and analysing", (s) => s.phase === "Analysing");
    expect(await deploymentReplicas(harness, "green")).toBe(3);
    expect(await selectorTrack(harness, "ingest-preview")).toBe("green");
    await waitForIntervals(harness, 3);
    // Without a passing analysis, nothing switched.
    expect(await selectorTrack(harness, "ingest")).toBe("blue");
    expect((await readStatus(harness)).activeTrack).toBe("blue");

    harness.prometheus.setTrack("green", GOOD);
    // The status is written after the switch: once it says Promoting, the Service has moved.
    const promoting = await waitForStatus(harness, "switched", (s) => s.phase === "Promoting");
    expect(await selectorTrack(harness, "ingest")).toBe("green");
    expect(promoting.weights).toEqual({ blue: 0, green: 100 });
    // The delay is kept on the controller's clock (checked there, not on a busy machine's wall
    // clock): retirement is due 4 s after the switch, and blue kept all 3 pods until then.
    const switchedAt = Date.parse(promoting.stepStartedAt ?? "");
    const scaleDownAt = Date.parse(promoting.scaleDownAt ?? "");
    expect(scaleDownAt - switchedAt).toBe(4000);
    await waitFor(
      "old track retired",
      () => deploymentReplicas(harness, "blue"),
      (replicas) => replicas === 0,
    );
    const retired = blue.findIndex((change) => change.replicas === 0);
    expect(blue[retired]?.at).toBeGreaterThanOrEqual(scaleDownAt);
    expect(blue.slice(0, retired).every((change) => change.replicas === 3)).toBe(true);
    const done = await waitForStatus(harness, "Healthy", (s) => s.phase === "Healthy");
    expect(done.activeTrack).toBe("green");
    expect(harness.logs.audit("switch")[0]?.reason).toBe("pre-promotion analysis passed");
  });

  it("without autoPromote waits for promote; abort during the delay rolls back", async () => {
    await createAgent(harness, {
      minReplicas: 2,
      blueGreen: { scaleDownDelaySeconds: 60, autoPromote: false },
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    await releaseVersion(harness, "2.0.0");
    await waitForStatus(
      harness,
      "passed, waiting",
      (s) => s.phase === "Paused" && (s.analysis?.successes ?? 0) >= 1,
    );
    expect(await routeWeights(harness)).toEqual({ blue: 100, green: 0 });
    const run = (action: string) =>
      runCli([action, "ingest", "-n", NAMESPACE, "--server", harness.api.url, "--by", "carol"], {
        stdout: { write: () => true },
        stderr: { write: () => true },
        env: {},
      });
    expect(await run("promote")).toBe(0);
    await waitForStatus(harness, "switched", (s) => s.phase === "Promoting" && s.weights?.green === 100);
    expect(await run("abort")).toBe(0);
    const back = await waitForStatus(harness, "rolled back", (s) => s.phase === "Aborted");
    expect(back).toMatchObject({ activeTrack: "blue", abortedBy: "carol", weights: { blue: 100, green: 0 } });
    expect(harness.logs.audit("rollback")[0]).toMatchObject({ actor: "carol" });
  });
});
