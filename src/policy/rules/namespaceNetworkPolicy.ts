/** Every agent namespace starts from default-deny: a NetworkPolicy selecting all pods with no allow rules. */
import type { KubeObject } from "../../manifests/types.ts";
import { agentWorkloads, asArray, field, type LabelSelector, selectsAll } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { stackPolicy } from "../types.ts";

function deniesByDefault(policy: KubeObject, directions: readonly string[]): boolean {
  const spec = policy.spec;
  const types = asArray<string>(field(spec, "policyTypes"));
  return (
    selectsAll(field(spec, "podSelector") as LabelSelector | undefined) &&
    directions.every((direction) => types.includes(direction)) &&
    asArray(field(spec, "ingress")).length === 0 &&
    asArray(field(spec, "egress")).length === 0
  );
}

/** Namespaces that hold agents, or are declared as agent clusters. */
function agentNamespaces(objects: readonly KubeObject[]): string[] {
  const declared = objects
    .filter(
      (object) =>
        object.kind === "Namespace" &&
        object.metadata.labels?.["app.kubernetes.io/component"] === "agent-cluster",
    )
    .map((object) => object.metadata.name);
  return [...new Set([...declared, ...agentWorkloads(objects).map((agent) => agent.namespace)])].sort();
}

export const namespaceNetworkPolicy = stackPolicy({
  name: "namespace-network-policy",
  description:
    "Every agent namespace has a default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no " +
    "rules); explicit NetworkPolicies then allow only what agents need. Fix: keep the agent cluster's " +
    "`default-deny` NetworkPolicy and add narrow allow policies next to it.",
  scope: "stack",
  settings: {
    directions: stringListSetting(
      ["Ingress", "Egress"],
      "Traffic directions the default-deny policy must cover.",
    ),
  },
  check(objects, _context, settings) {
    return agentNamespaces(objects).flatMap((namespace) => {
      const covered = objects.some(
        (object) =>
          object.kind === "NetworkPolicy" &&
          object.metadata.namespace === namespace &&
          deniesByDefault(object, settings.directions),
      );
      if (covered) return [];
      const namespaceObject = objects.find(
        (object) => object.kind === "Namespace" && object.metadata.name === namespace,
      );
      return [
        {
          ...(namespaceObject ? { object: namespaceObject } : {}),
          message: `namespace ${namespace} has no default-deny NetworkPolicy (${settings.directions.join(" + ")}): add one`,
        },
      ];
    });
  },
});
