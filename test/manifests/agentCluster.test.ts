import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/index.ts";
import { buildClusterObjects } from "../../src/manifests/agentCluster/index.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests walk the rendered JSON freely
type Json = any;

const prod = loadStack("prod").fleet;
const dataProcessing = prod.clusters.find((cluster) => cluster.name === "data-processing");
if (!dataProcessing) throw new Error("prod declares data-processing");
const objects = buildClusterObjects(dataProcessing, prod) as Json[];
const byKind = (kind: string) => objects.filter((object) => object.kind === kind);

describe("agent cluster objects (prod/data-processing)", () => {
  it("namespace enforces the restricted Pod Security Standard", () => {
    expect(byKind("Namespace")[0].metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });

  it("quota equals the agents' peak requests (both tracks for releases, +1 surge for rolling)", () => {
    const hard = byKind("ResourceQuota")[0].spec.hard;
    // ingest 24×1 + enrich 16×0.5 + partner-api 11×0.5 + claims 12×1 + export 16×0.5 + quality-audit 5×0.5
    expect(hard["requests.cpu"]).toBe("60");
    expect(hard["limits.cpu"]).toBe("120");
    expect(hard.pods).toBe("84");
    expect(hard["requests.nvidia.com/gpu"]).toBeUndefined();
  });

  it("default-deny plus explicit allows for scrape, gateway, agent streams, DNS, data egress and the external agent", () => {
    const policies = byKind("NetworkPolicy");
    expect(policies.map((policy) => policy.metadata.name)).toEqual([
      "default-deny",
      "allow-prometheus-scrape",
      "allow-gateway",
      "allow-agent-streams",
      "allow-dns",
      "allow-data-egress",
      "allow-external-partner-api",
    ]);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(policies[1].spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "monitoring",
    });
    expect(policies[5].spec.egress.map((rule: Json) => rule.to[0].ipBlock.cidr)).toEqual([
      "10.60.0.0/16",
      "10.61.4.0/24",
    ]);
  });

  it("roles admin, operator, read-only bound to the cluster's groups; never `*`, no secrets below admin", () => {
    const roles = byKind("Role");
    expect(roles.map((role) => role.metadata.name)).toEqual([
      "agent-fleet-admin",
      "agent-fleet-operator",
      "agent-fleet-read-only",
    ]);
    for (const role of roles) {
      for (const rule of role.rules) {
        expect(rule.verbs).not.toContain("*");
        expect(rule.resources).not.toContain("*");
        if (role.metadata.name !== "agent-fleet-admin") expect(rule.resources).not.toContain("secrets");
      }
    }
    const bindings = Object.fromEntries(
      byKind("RoleBinding").map((binding) => [
        binding.metadata.name,
        binding.subjects.map((subject: Json) => subject.name),
      ]),
    );
    expect(bindings).toEqual({
      "agent-fleet-admin": ["platform-admins"],
      "agent-fleet-operator": ["data-oncall", "claims-oncall"],
      "agent-fleet-read-only": ["data-engineers", "auditors"],
    });
  });

  it("one ServiceAccount per agent in the cluster, without token automount", () => {
    const accounts = byKind("ServiceAccount");
    expect(accounts.map((account) => account.metadata.name)).toEqual([
      "ingest",
      "enrich",
      "partner-api",
      "claims-processor",
      "export",
      "quality-audit",
    ]);
    expect(accounts.every((account) => account.automountServiceAccountToken === false)).toBe(true);
  });
});
