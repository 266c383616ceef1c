import { describe, expect, it } from "vitest";
import { renderStack } from "../../src/render/renderStack.ts";
import { schemaErrors } from "../support/kubeSchemas.ts";

describe("every rendered object is valid against its real schema", () => {
  it.each(["dev", "prod"])("%s", async (stack) => {
    const { rendered } = renderStack(stack);
    expect(rendered.objects.length).toBeGreaterThan(20);
    expect(await schemaErrors(rendered.objects)).toEqual([]);
  });

  it("rejects deliberately broken objects, so the check can fail", async () => {
    const { rendered } = renderStack("prod");
    const deployment = structuredClone(
      rendered.objects.find(
        (object) => object.kind === "Deployment" && object.metadata.namespace === "data-processing",
      ),
    );
    const rollout = structuredClone(rendered.objects.find((object) => object.kind === "AgentRollout"));
    const hpa = structuredClone(rendered.objects.find((object) => object.kind === "HorizontalPodAutoscaler"));
    if (!deployment || !rollout || !hpa)
      throw new Error("prod renders a Deployment, an AgentRollout and an HPA");
    (deployment.spec as { template: { spec: { containers: unknown } } }).template.spec.containers = "agent";
    (rollout.spec as { strategy: { canary?: { steps: unknown } } }).strategy.canary = {
      steps: [{ setWeight: 150 }],
    };
    (hpa.spec as { maxReplicas: unknown }).maxReplicas = "many";
    const errors = await schemaErrors([deployment, rollout, hpa]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^Deployment data-processing\//);
    expect(errors[1]).toMatch(/^AgentRollout .*(setWeight|analysis|maximum)/);
    expect(errors[2]).toMatch(/^HorizontalPodAutoscaler/);
  });

  it("fails loudly for a kind it has no schema for", async () => {
    const errors = await schemaErrors([
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
    ]);
    expect(errors).toEqual(["Widget /w: no schema known for example.com/v1/Widget"]);
  });
});
