/** The Agent component as a library user calls it: a released agent needs the AgentRollout CRD. */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { createAgentResources } from "../../src/components/agent/index.ts";
import { parseFleetConfig } from "../../src/config/index.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";

const fleet = parseFleetConfig(
  {
    environment: "dev",
    resourcePool: { cpu: "16", memory: "64Gi", storage: "1Ti", gpu: 0 },
    agents: [
      {
        id: "ingest",
        image: "ghcr.io/example/ingest",
        version: "1.0.0",
        replicas: { min: 1, max: 2 },
        strategy: { type: "canary" },
      },
    ],
  },
  { source: "test" },
);
const rendered = renderFleet(fleet);
const [ingest] = fleet.agents;

describe("Agent without agentRolloutCrd", () => {
  it("refuses a canary agent before registering anything, naming the agent and the fix", () => {
    if (!ingest) throw new Error("no agent");
    const namespace = {} as pulumi.Resource;
    expect(() =>
      createAgentResources({ agent: ingest, objects: rendered.agents.ingest ?? [], namespace }, namespace),
    ).toThrow(
      /agent ingest: a canary agent is an AgentRollout, which needs agentRolloutCrd .*or use strategy rolling/,
    );
  });
});
