/** Availability and release policies: pass and fail each, through the pack's functions. */
import { describe, expect, it } from "vitest";
import { agentRollout, deployment, hpa, pdb } from "./support/objects.ts";
import { testContext, urnOf, validateResources, validateStack } from "./support/pack.ts";

describe("prod-replica-floor", () => {
  it("passes prod floors of 3 and ignores other environments", async () => {
    const dev = testContext({ environment: "dev" });
    const devHpa = {
      ...hpa("ingest", 1, 3),
      metadata: { ...hpa().metadata, labels: { environment: "dev" } },
    };
    expect(await validateResources("prod-replica-floor", [hpa("ingest", 3, 6), agentRollout()])).toEqual([]);
    expect(await validateResources("prod-replica-floor", [devHpa], dev)).toEqual([]);
  });

  it("fails prod HPAs, AgentRollouts and pinned Deployments below the floor", async () => {
    const rollout = agentRollout();
    (rollout.spec as { minReplicas: number }).minReplicas = 2;
    const pinned = deployment();
    (pinned.spec as Record<string, unknown>).replicas = 1;
    expect(await validateResources("prod-replica-floor", [hpa("ingest", 2, 6), rollout, pinned])).toEqual([
      "spec.minReplicas is 2, below the prod floor of 3: raise replicas.min to 3",
      "spec.minReplicas is 2, below the prod floor of 3: raise replicas.min to 3",
      "spec.replicas is 1, below the prod floor of 3: raise replicas.min to 3",
    ]);
  });

  it("applies to agents only, not to fleet services such as the rollout controller", async () => {
    const controller = deployment("agent-fleet-controller");
    controller.metadata.labels = { "app.kubernetes.io/name": "agent-fleet-controller", environment: "prod" };
    const template = (controller.spec as { template: { metadata: { labels: Record<string, string> } } })
      .template;
    template.metadata.labels = { "app.kubernetes.io/name": "agent-fleet-controller" };
    (controller.spec as Record<string, unknown>).replicas = 2;
    expect(await validateResources("prod-replica-floor", [controller])).toEqual([]);
  });

  it("takes the floor from pack config", async () => {
    expect(
      await validateResources("prod-replica-floor", [hpa("ingest", 3, 6)], testContext(), { minReplicas: 5 }),
    ).toEqual(["spec.minReplicas is 3, below the prod floor of 5: raise replicas.min to 5"]);
  });
});

describe("hpa-bounds", () => {
  it("passes 1 <= min <= max", async () => {
    expect(await validateResources("hpa-bounds", [hpa("ingest", 1, 1), hpa("export", 3, 50)])).toEqual([]);
  });

  it("fails min above max, min below 1 and a missing max", async () => {
    const noMax = hpa("export");
    delete (noMax.spec as Record<string, unknown>).maxReplicas;
    expect(await validateResources("hpa-bounds", [hpa("ingest", 5, 3), hpa("enrich", 0, 2), noMax])).toEqual([
      "spec.minReplicas (5) is above spec.maxReplicas (3): lower min or raise max",
      "spec.minReplicas is 0: it must be at least 1",
      "spec.maxReplicas is not set: set the agent's replicas.max",
    ]);
  });
});

describe("canary-release", () => {
  it("passes rising steps ending at 100 with analysis, and blue-green with analysis", async () => {
    const blueGreen = agentRollout("enrich");
    const { canary } = (blueGreen.spec as { strategy: { canary: { analysis: unknown } } }).strategy;
    (blueGreen.spec as Record<string, unknown>).strategy = { blueGreen: { analysis: canary.analysis } };
    expect(await validateResources("canary-release", [agentRollout(), blueGreen])).toEqual([]);
  });

  it("fails weights that do not rise, that leave 1-100, or that stop short of 100", async () => {
    const rollout = agentRollout("ingest", {
      canary: {
        steps: [{ setWeight: 20 }, { setWeight: 10 }, { setWeight: 150 }, { setWeight: 50 }],
        analysis: { metrics: [{ name: "error-rate" }] },
      },
    });
    expect(await validateResources("canary-release", [rollout])).toEqual([
      "canary step 2 sets weight 10, not above the previous 20: weights must increase",
      "canary step 3 has setWeight 150: every step needs a weight of 1-100",
      "the last canary step sets weight 50: end at 100 so the release completes",
    ]);
  });

  it("fails prod releases without analysis, but not dev ones", async () => {
    const bare = agentRollout("ingest", { canary: { steps: [{ setWeight: 100 }] } });
    const message =
      "spec.strategy.canary has no analysis metrics, required in prod: releases must be judged by Prometheus";
    expect(await validateResources("canary-release", [bare])).toEqual([message]);
    const devRollout = { ...bare, metadata: { ...bare.metadata, labels: { environment: "dev" } } };
    expect(await validateResources("canary-release", [devRollout])).toEqual([]);
  });
});

describe("agent-disruption-budget", () => {
  it("passes agents with a PDB that lets one pod go", async () => {
    expect(
      await validateStack("agent-disruption-budget", [
        deployment(),
        pdb(),
        agentRollout("export"),
        pdb("export"),
      ]),
    ).toEqual([]);
  });

  it("fails an agent without a PDB (blaming its workload) and a PDB that blocks drains", async () => {
    const blocking = pdb("export", { minAvailable: "100%" });
    expect(
      await validateStack("agent-disruption-budget", [
        deployment(),
        pdb("other"),
        agentRollout("export"),
        blocking,
      ]),
    ).toEqual([
      { message: "agent ingest has no PodDisruptionBudget: add one", urn: urnOf(deployment()) },
      {
        message:
          "PodDisruptionBudget of agent export allows no eviction and blocks node drains: use maxUnavailable: 1",
        urn: urnOf(blocking),
      },
    ]);
  });
});
