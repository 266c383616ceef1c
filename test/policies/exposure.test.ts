/** Exposure, compliance, network and access policies: pass and fail each, through the pack's functions. */
import { describe, expect, it } from "vitest";
import {
  agentRollout,
  deployment,
  namespace,
  networkPolicy,
  podSpecOf,
  role,
  service,
} from "./support/objects.ts";
import { testContext, urnOf, validateResources, validateStack } from "./support/pack.ts";

describe("load-balancer-exposure", () => {
  const external = testContext({ externalAgents: ["data-processing/partner-api"] });

  it("passes ClusterIP Services and LoadBalancers of agents declared external", async () => {
    const objects = [service("ingest"), service("partner-api", "LoadBalancer")];
    expect(await validateResources("load-balancer-exposure", objects, external)).toEqual([]);
  });

  it("fails a LoadBalancer for an agent without externalAccess", async () => {
    expect(
      await validateResources("load-balancer-exposure", [service("ingest", "LoadBalancer")], external),
    ).toEqual([
      "type LoadBalancer exposes agent ingest, which does not declare externalAccess: use ClusterIP or set externalAccess: true",
    ]);
  });

  it("fails every LoadBalancer in a stack that does not allow them", async () => {
    const closed = testContext({ ...external, allowLoadBalancers: false });
    expect(
      await validateResources("load-balancer-exposure", [service("partner-api", "LoadBalancer")], closed),
    ).toEqual([
      "type LoadBalancer is not allowed in stack prod (policy.allowLoadBalancers: false): use ClusterIP",
    ]);
  });

  it("treats NodePort as exposure when configured to", async () => {
    const nodePort = [service("ingest", "NodePort")];
    expect(await validateResources("load-balancer-exposure", nodePort, external)).toEqual([]);
    const config = { exposedTypes: ["LoadBalancer", "NodePort"] };
    expect(await validateResources("load-balancer-exposure", nodePort, external, config)).toHaveLength(1);
  });
});

describe("regulated-data-protection", () => {
  const hipaa = { "compliance.agentfleet.dev/hipaa": "true" };
  const encryptedWorkload = () => {
    const workload = deployment("claims", hipaa);
    const volume = podSpecOf(workload).volumes[0] as {
      ephemeral: { volumeClaimTemplate: { spec: { storageClassName: string } } };
    };
    volume.ephemeral.volumeClaimTemplate.spec.storageClassName = "encrypted";
    return workload;
  };

  it("passes regulated agents on the encrypted class behind ClusterIP, and ignores untagged agents", async () => {
    const objects = [encryptedWorkload(), service("claims", "ClusterIP", hipaa), deployment("ingest")];
    expect(await validateResources("regulated-data-protection", objects)).toEqual([]);
  });

  it("fails regulated data on an unencrypted class, and external exposure", async () => {
    const context = testContext({ externalAgents: ["data-processing/claims"] });
    const objects = [deployment("claims", hipaa), service("claims", "LoadBalancer", hipaa)];
    expect(await validateResources("regulated-data-protection", objects, context)).toEqual([
      'hipaa-tagged: volume "data" uses storage class standard, not the encrypted class encrypted: regulated data must be encrypted at rest',
      "hipaa-tagged: agent claims declares externalAccess: regulated agents must not be exposed; remove externalAccess",
      "hipaa-tagged: Service type LoadBalancer makes a regulated agent reachable from outside the cluster: use ClusterIP",
    ]);
  });

  it("fails when the namespace declares no encrypted class, and the regulated tags are tunable", async () => {
    const gdpr = deployment("audit", { "compliance.agentfleet.dev/gdpr": "true" });
    const noClass = testContext({ encryptedStorageClasses: {} });
    expect(await validateResources("regulated-data-protection", [gdpr], noClass)).toEqual([
      'gdpr-tagged: volume "data": namespace data-processing declares no encrypted storage class (clusters[].encryptedStorageClass)',
    ]);
    expect(
      await validateResources("regulated-data-protection", [gdpr], noClass, { regulatedTags: ["hipaa"] }),
    ).toEqual([]);
  });
});

describe("namespace-network-policy", () => {
  it("passes when every agent namespace has a default-deny policy next to its allows", async () => {
    const allow = networkPolicy("allow-scrape", {
      podSelector: { matchLabels: { agent: "ingest" } },
      ingress: [{}],
    });
    const objects = [namespace(), deployment(), networkPolicy(), allow];
    expect(await validateStack("namespace-network-policy", objects)).toEqual([]);
  });

  it("fails a namespace whose only policies allow traffic, blaming the Namespace", async () => {
    const allowAll = networkPolicy("allow-all", { ingress: [{}], egress: [{}] });
    const objects = [namespace(), deployment(), allowAll];
    expect(await validateStack("namespace-network-policy", objects)).toEqual([
      {
        message: "namespace data-processing has no default-deny NetworkPolicy (Ingress + Egress): add one",
        urn: urnOf(namespace()),
      },
    ]);
  });

  it("fails an ingress-only deny, and an agent namespace not rendered as a Namespace (stack-level)", async () => {
    const ingressOnly = networkPolicy("default-deny", { policyTypes: ["Ingress"] });
    const elsewhere = {
      ...agentRollout("export"),
      metadata: { ...agentRollout("export").metadata, namespace: "ml" },
    };
    const reported = await validateStack("namespace-network-policy", [
      namespace(),
      deployment(),
      ingressOnly,
      elsewhere,
    ]);
    expect(reported.map(({ message }) => message)).toEqual([
      "namespace data-processing has no default-deny NetworkPolicy (Ingress + Egress): add one",
      "namespace ml has no default-deny NetworkPolicy (Ingress + Egress): add one",
    ]);
    expect(reported[1]?.urn).toBeUndefined();
  });
});

describe("rbac-least-privilege", () => {
  const read = { apiGroups: [""], resources: ["pods", "services"], verbs: ["get", "list", "watch"] };

  it("passes explicit roles, and Secrets for non-read-only roles", async () => {
    const admin = role("agent-fleet-admin", [
      read,
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] },
    ]);
    expect(
      await validateResources("rbac-least-privilege", [role("agent-fleet-read-only", [read]), admin]),
    ).toEqual([]);
  });

  it("fails wildcard verbs or resources, and Secrets readable by a read-only role", async () => {
    const readOnly = role("agent-fleet-read-only", [
      read,
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
      { apiGroups: ["apps"], resources: ["*"], verbs: ["*"] },
    ]);
    expect(await validateResources("rbac-least-privilege", [readOnly])).toEqual([
      "rule 2 (secrets) lets a read-only role read Secrets: remove secrets from it",
      'rule 3 (*) grants every verb ("*"): list the verbs it needs',
      'rule 3 (*) grants every resource ("*"): list the resources it needs',
    ]);
  });

  it("recognises read-only roles by a tunable name pattern", async () => {
    const viewer = role("auditors", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]);
    expect(await validateResources("rbac-least-privilege", [viewer])).toEqual([]);
    expect(
      await validateResources("rbac-least-privilege", [viewer], testContext(), {
        readOnlyRolePattern: "^auditors$",
      }),
    ).toHaveLength(1);
  });
});
