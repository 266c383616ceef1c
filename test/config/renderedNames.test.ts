/**
 * Names that only clash once rendered: an agent's derived object names against another agent's in
 * the same namespace, names over Kubernetes' length limits, label values Kubernetes rejects, and
 * cluster namespaces the program already uses for something else.
 */
import { describe, expect, it } from "vitest";
import { crossCheck, formatPath, parseFleetConfig } from "../../src/config/index.ts";
import { agentAt, baselineRaw, linesAfter, type RawAgent } from "./support/baseline.ts";

/** A small rolling agent to add next to the baseline's ingest (canary), enrich (blue-green), export. */
function rollingAgent(id: string, extra: Record<string, unknown> = {}): RawAgent {
  return {
    id,
    image: "ghcr.io/agent-fleet/extra-agent",
    version: "1.0.0",
    replicas: { min: 1, max: 1 },
    resources: { limits: { cpu: "250m", memory: "512Mi", storage: "5Gi" } },
    ...extra,
  };
}

describe("derived object names of two agents in one namespace", () => {
  it("an agent named like another agent's preview Service is rejected, naming both and the Service", () => {
    const lines = linesAfter((raw) => raw.agents.push(rollingAgent("ingest-preview")));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[3\]\.id: "ingest-preview" /);
    expect(lines[0]).toContain('agents[0] ("ingest")');
    expect(lines[0]).toContain('Service "ingest-preview"');
    expect(lines[0]).toContain('namespace "data-processing"');
    expect(lines[0]).toContain("rename");
  });

  it("an agent named like a blue-green agent's track collides on its Service and its Deployment", () => {
    const lines = linesAfter((raw) => raw.agents.push(rollingAgent("enrich-blue")));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[3\]\.id: "enrich-blue" /);
    expect(lines[0]).toContain('agents[1] ("enrich")');
    expect(lines[0]).toContain('Service "enrich-blue"');
    expect(lines[0]).toContain('Deployment "enrich-blue"');
  });

  it("is reported on the later agent whichever of the two derives the name", () => {
    const lines = linesAfter((raw) => {
      agentAt(raw, 0).id = "enrich-green";
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[1\]\.id: "enrich" /);
    expect(lines[0]).toContain('agents[0] ("enrich-green")');
    expect(lines[0]).toContain('Service "enrich-green"');
  });

  it("agents in different namespaces may share derived names", () => {
    const lines = linesAfter((raw) => {
      raw.clusters.push({ name: "analytics" });
      raw.agents.push(rollingAgent("enrich-blue", { cluster: "analytics" }));
    });
    expect(lines).toEqual([]);
  });

  it("a duplicated id is reported once, as a duplicate", () => {
    const lines = linesAfter((raw) => raw.agents.push(rollingAgent("enrich")));
    expect(lines).toEqual(['agents[3].id: "enrich" is already used by agents[1]: agent ids must be unique']);
  });
});

describe("derived names and Kubernetes' length limits", () => {
  // The schema caps ids well below the limits; this check reads the builders' names, so a longer
  // suffix added to a builder is caught here even when the cap is not adjusted with it.
  it("names the longest derived name, its kind and the limit it exceeds", () => {
    const fleet = parseFleetConfig(baselineRaw(), { source: "Pulumi.test.yaml" });
    const id = `a${"b".repeat(55)}`;
    const agents = fleet.agents.map((agent) => (agent.id === "ingest" ? { ...agent, id } : agent));
    const problems = crossCheck({ ...fleet, agents }).filter(
      (problem) => formatPath(problem.path) === "agents[0].id",
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(`"${id}-preview"`);
    expect(problems[0]?.message).toContain("64 characters");
    expect(problems[0]?.message).toContain("63");
    expect(problems[0]?.message).toContain("Service");
    expect(problems[0]?.message).toContain("shorten the id to at most 55 characters");
  });
});

describe("label values derived from config", () => {
  it("a version ending in '-' becomes an invalid `version` label value", () => {
    const lines = linesAfter((raw) => {
      agentAt(raw, 1).version = "2.0.1-";
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[1\]\.version: "2\.0\.1-" /);
    expect(lines[0]).toContain('label value "2.0.1-"');
    expect(lines[0]).toContain("begin and end with a letter or digit");
  });

  it("a long version is cut to 63 characters for its label, and the cut must still be a label value", () => {
    const version = `1${"a".repeat(61)}-build7`;
    const lines = linesAfter((raw) => {
      agentAt(raw, 2).version = version;
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[2\]\.version: /);
    expect(lines[0]).toContain(`label value "${version.slice(0, 63)}"`);
    expect(lines[0]).toContain("63");
  });

  it("a long version whose cut ends alphanumeric is fine", () => {
    expect(linesAfter((raw) => (agentAt(raw, 2).version = `1${"a".repeat(70)}`))).toEqual([]);
  });
});

describe("cluster namespaces the program uses for something else", () => {
  it.each([
    ["monitoring", "monitoring.namespace"],
    ["agent-fleet-system", "rollout controller"],
    ["gateway-system", "clusters[0].gateway.namespace"],
    ["kube-system", "Kubernetes"],
    ["default", "Kubernetes"],
  ])("a cluster named %s is rejected (%s)", (name, reason) => {
    const lines = linesAfter((raw) => raw.clusters.push({ name }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^clusters\\[1\\]\\.name: "${name}" `));
    expect(lines[0]).toContain(reason);
    expect(lines[0]).toContain("choose another cluster name");
  });

  it("a cluster named like another cluster's ingressNamespace is rejected", () => {
    const lines = linesAfter((raw) => {
      raw.clusters.push({ name: "analytics", ingressNamespace: "edge" });
      raw.clusters.push({ name: "edge" });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^clusters\[2\]\.name: "edge" /);
    expect(lines[0]).toContain("clusters[1].ingressNamespace");
  });

  it("moving monitoring.namespace onto an agent namespace is reported at the cluster", () => {
    const lines = linesAfter((raw) => {
      raw.monitoring = { namespace: "data-processing" };
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^clusters\[0\]\.name: "data-processing" /);
    expect(lines[0]).toContain("monitoring.namespace");
  });
});
