/**
 * The AgentRollout scale subresource as an HPA uses it. Pulumi never sets `spec.replicas`; the
 * API server cannot serve `…/scale` without it, so the controller seeds it once with
 * `minReplicas` and leaves it to the autoscaler after that. Whatever the count says, the tracks
 * stay within `[minReplicas, maxReplicas]`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import { desiredReplicasOf } from "../../src/controller/rollout/tracks.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import {
  createAgent,
  deploymentReplicas,
  type Harness,
  scaleTo,
  startHarness,
  waitFor,
  waitForStatus,
} from "./support/harness.ts";

const scalePath = (name: string) =>
  `/apis/agentfleet.dev/v1alpha1/namespaces/${NAMESPACE}/agentrollouts/${name}/scale`;

async function getScale(harness: Harness, name = "ingest") {
  const response = await fetch(`${harness.api.url}${scalePath(name)}`);
  const body = (await response.json()) as { message?: string; spec?: unknown; status?: unknown };
  return { status: response.status, body };
}

describe("desired replicas", () => {
  it("follow the autoscaler within [minReplicas, maxReplicas], minReplicas before it wrote", () => {
    expect(desiredReplicasOf({ minReplicas: 2, maxReplicas: 6 })).toBe(2);
    expect(desiredReplicasOf({ replicas: 4, minReplicas: 2, maxReplicas: 6 })).toBe(4);
    expect(desiredReplicasOf({ replicas: 0, minReplicas: 2, maxReplicas: 6 })).toBe(2);
    expect(desiredReplicasOf({ replicas: 50, minReplicas: 2, maxReplicas: 6 })).toBe(6);
    expect(desiredReplicasOf({ replicas: 50, minReplicas: 2 })).toBe(50);
  });
});

describe("AgentRollout scale subresource", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it("is unreadable until the controller seeds spec.replicas once; the HPA owns it after that", async () => {
    const scaleWrites: string[] = [];
    harness = await startHarness({
      onRequest: (method, path, _query, userAgent) => {
        if (
          path.endsWith("/scale") &&
          method !== "GET" &&
          userAgent.startsWith("agent-fleet-rollout-controller")
        )
          scaleWrites.push(`${method} ${path}`);
      },
    });
    await createAgent(harness, { minReplicas: 3, maxReplicas: 6 });
    // What an HPA sees before the controller ran: the API server cannot build a Scale.
    const before = await getScale(harness);
    expect(before.status).toBe(500);
    expect(before.body.message).toBe(
      'Internal error occurred: the spec replicas field ".spec.replicas" does not exist',
    );

    await harness.startController();
    await waitForStatus(harness, "Healthy", (s) => s.phase === "Healthy");
    const seeded = await getScale(harness);
    expect(seeded.status).toBe(200);
    expect(seeded.body.spec).toEqual({ replicas: 3 });
    expect(seeded.body.status).toEqual({ replicas: 3, selector: "agent=ingest,track=blue" });
    expect(scaleWrites).toEqual([`PUT ${scalePath("ingest")}`]);
    // The seed and the first status write do not trip over each other (no 409 to recover from).
    expect(harness.logs.lines.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual([]);

    // The autoscaler writes from now on; the controller follows and never writes the count again.
    await scaleTo(harness, 5);
    await waitFor(
      "stable at 5",
      () => deploymentReplicas(harness as Harness, "blue"),
      (n) => n === 5,
    );
    await waitForStatus(harness, "status follows", (s) => s.replicas === 5);
    expect(scaleWrites).toHaveLength(1);
    const rollout = await harness.cluster.get(KINDS.agentRollout, { namespace: NAMESPACE, name: "ingest" });
    expect((rollout?.spec as { replicas?: number } | undefined)?.replicas).toBe(5);
  });

  it("keeps the tracks within the bounds whatever the scale subresource says", async () => {
    harness = await startHarness();
    await createAgent(harness, { minReplicas: 2, maxReplicas: 4 });
    await harness.startController();
    await waitForStatus(harness, "Healthy", (s) => s.phase === "Healthy");
    await scaleTo(harness, 9);
    await waitFor(
      "capped at 4",
      () => deploymentReplicas(harness as Harness, "blue"),
      (n) => n === 4,
    );
    await scaleTo(harness, 0);
    await waitFor(
      "floored at 2",
      () => deploymentReplicas(harness as Harness, "blue"),
      (n) => n === 2,
    );
    // A scale to 0 is kept (the HPA's way of saying "disabled"); the controller does not rewrite it.
    expect((await getScale(harness)).body.spec).toEqual({ replicas: 0 });
  });
});
