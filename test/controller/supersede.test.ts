import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LABEL_KEYS } from "../../src/contract/labels.ts";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  type Harness,
  releaseVersion,
  routeWeights,
  startHarness,
  storedTrackWeight,
  waitForStatus,
} from "./support/harness.ts";

describe("a new revision during a release", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("supersedes it cleanly: traffic back to stable before the canary track changes, then a fresh release", async () => {
    await createAgent(harness, {
      minReplicas: 4,
      steps: [{ setWeight: 10 }, { setWeight: 40, pause: {} }, { setWeight: 100 }],
    });
    await harness.startController();
    await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    await releaseVersion(harness, "1.1.0");
    const first = await waitForStatus(
      harness,
      "paused at 40%",
      (s) => s.phase === "Paused" && s.weights?.green === 40,
    );

    // Whenever the green Deployment's revision changes, the route must give green nothing.
    const violations: string[] = [];
    let greenRevision: string | undefined = first.canaryRevision;
    harness.api.store.subscribe((event) => {
      if (event.typeKey !== "apps/v1/deployments" || event.object.metadata.name !== "ingest-green") return;
      const revision = event.object.metadata.labels?.[LABEL_KEYS.revision];
      if (revision === greenRevision) return;
      greenRevision = revision;
      const traffic = storedTrackWeight(harness, "green");
      if (traffic > 0) violations.push(`green revision ${revision} while green had ${traffic}%`);
    });

    await releaseVersion(harness, "1.2.0");
    const second = await waitForStatus(
      harness,
      "second release paused at 40%",
      (s) => s.phase === "Paused" && s.canaryRevision !== first.canaryRevision && s.weights?.green === 40,
    );
    expect(violations).toEqual([]);
    expect(second.currentStepIndex).toBe(1);
    expect(harness.logs.audit("supersede")).toHaveLength(1);
    const green = await harness.cluster.get(KINDS.deployment, { namespace: NAMESPACE, name: "ingest-green" });
    expect(green?.metadata.labels?.[LABEL_KEYS.revision]).toBe(second.canaryRevision);
    expect(second.stableRevision).toBe(first.stableRevision);
  });

  it("reverting the template cancels the release and returns all traffic to stable", async () => {
    await createAgent(harness, { minReplicas: 2, steps: [{ setWeight: 30, pause: {} }, { setWeight: 100 }] });
    await harness.startController();
    const initial = await waitForStatus(harness, "initial Healthy", (s) => s.phase === "Healthy");
    await releaseVersion(harness, "1.1.0");
    await waitForStatus(harness, "paused at 30%", (s) => s.phase === "Paused" && s.weights?.green === 30);
    await releaseVersion(harness, "1.0.0");
    const back = await waitForStatus(
      harness,
      "Healthy on blue",
      (s) => s.phase === "Healthy" && s.canaryRevision === undefined,
    );
    expect(back.stableRevision).toBe(initial.stableRevision);
    expect(await routeWeights(harness)).toEqual({ blue: 100, green: 0 });
    expect(harness.logs.audit("cancel")).toHaveLength(1);
  });
});
