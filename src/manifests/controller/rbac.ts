/**
 * Least-privilege access of the rollout controller, verb by verb. The rules live in one
 * ClusterRole but are granted only through RoleBindings in the agent namespaces, so the
 * controller has no cluster-wide access; the Lease needs a Role in its own namespace.
 */
import { AGENT_ROLLOUT } from "../../contract/agentRollout.ts";
import type { KubeObject } from "../types.ts";
import { controllerLabels, type RolloutControllerSpec } from "./spec.ts";

/** Every permission in agent namespaces, and why. Nothing else is granted. */
export const AGENT_NAMESPACE_RULES = [
  // Watch AgentRollouts (informer) and write only their status: never spec or metadata.
  { apiGroups: [AGENT_ROLLOUT.group], resources: [AGENT_ROLLOUT.plural], verbs: ["get", "list", "watch"] },
  { apiGroups: [AGENT_ROLLOUT.group], resources: [`${AGENT_ROLLOUT.plural}/status`], verbs: ["patch"] },
  // Seed `spec.replicas` once through the scale subresource while it is unset (the HPA cannot
  // read the scale of an AgentRollout without it); the HPA writes it from then on.
  { apiGroups: [AGENT_ROLLOUT.group], resources: [`${AGENT_ROLLOUT.plural}/scale`], verbs: ["update"] },
  // Every object it creates (track Deployments, the HTTPRoute) has an ownerReference to its
  // AgentRollout with blockOwnerDeletion; OwnerReferencesPermissionEnforcement admits that only
  // with `update` on the owner's finalizers. The AgentRollout is the only owner it references.
  { apiGroups: [AGENT_ROLLOUT.group], resources: [`${AGENT_ROLLOUT.plural}/finalizers`], verbs: ["update"] },
  // Track Deployments: watch, create, replace the template (update), scale (patch). No delete.
  {
    apiGroups: ["apps"],
    resources: ["deployments"],
    verbs: ["get", "list", "watch", "create", "update", "patch"],
  },
  // Point the active/preview Services' `track` selector.
  { apiGroups: [""], resources: ["services"], verbs: ["get", "patch"] },
  // The HTTPRoute it renders and owns.
  { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: ["get", "create", "update"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create"] },
] as const;

export function buildControllerRbac(spec: RolloutControllerSpec): KubeObject[] {
  const labels = controllerLabels(spec);
  const subject = { kind: "ServiceAccount", name: spec.name, namespace: spec.namespace };
  const clusterRole: KubeObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: spec.name, labels },
    rules: AGENT_NAMESPACE_RULES.map((rule) => ({
      ...rule,
      apiGroups: [...rule.apiGroups],
      resources: [...rule.resources],
      verbs: [...rule.verbs],
    })),
  };
  const bindings: KubeObject[] = spec.watchNamespaces.map((namespace) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: spec.name, namespace, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: spec.name },
    subjects: [subject],
  }));
  const leaseRole: KubeObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: `${spec.name}-leader-election`, namespace: spec.namespace, labels },
    rules: [
      // `create` cannot be limited by name; reading and renewing are limited to its own Lease.
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: [spec.leaseName],
        verbs: ["get", "update"],
      },
    ],
  };
  const leaseBinding: KubeObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: `${spec.name}-leader-election`, namespace: spec.namespace, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${spec.name}-leader-election` },
    subjects: [subject],
  };
  const serviceAccount: KubeObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    automountServiceAccountToken: true,
  };
  return [serviceAccount, clusterRole, ...bindings, leaseRole, leaseBinding];
}
