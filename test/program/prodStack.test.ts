import { describe, expect, it } from "vitest";
import { runStackUnderMocks } from "../../harness/pulumiStack.ts";

describe("Pulumi program under mocks: prod stack", () => {
  it("evaluates with the receivers' secrets set in the backend (as engine secrets)", async () => {
    const { outputs, secretKeys, resources, logs } = await runStackUnderMocks("prod");
    expect(secretKeys).toEqual([
      "agent-fleet:slackApiUrl",
      "agent-fleet:pagerdutyRoutingKey",
      "agent-fleet:smtpPassword",
      "agent-fleet:webhookBearerToken",
    ]);
    expect(logs.warn).toEqual([]);
    expect(logs.warn).toEqual([]);
    expect(outputs.environment).toBe("prod");
    expect(outputs.agents).toHaveLength(7);
    expect(new Set(outputs.agents.map((agent) => agent.cluster))).toEqual(
      new Set(["data-processing", "ml-inference"]),
    );
    expect(resources.filter((resource) => resource.type === "kubernetes:core/v1:Namespace")).toHaveLength(3);
  });
});
