import { describe, expect, it } from "vitest";
import { runStackUnderMocks } from "../../harness/pulumiStack.ts";

describe("Pulumi program under mocks: dev stack", () => {
  it("loads Pulumi.dev.yaml through the engine config and registers the rendered objects", async () => {
    const { resources, outputs } = await runStackUnderMocks("dev");
    expect(outputs.environment).toBe("dev");
    expect(outputs.agents.map((agent) => agent.id)).toEqual(["ingest", "enrich", "export"]);
    const namespaces = resources.filter((resource) => resource.type === "kubernetes:core/v1:Namespace");
    expect(namespaces.map((resource) => resource.name).sort()).toEqual([
      "agent-fleet-system",
      "data-processing",
    ]);
    expect(namespaces.find((resource) => resource.name === "data-processing")?.inputs).toMatchObject({
      metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
  });
});
