/**
 * Per agent cluster: a ServiceAccount per agent (no token automount: agents never call the API),
 * and the `admin`, `operator` and `read-only` Roles bound to the groups from config. Verbs are
 * listed explicitly; no role gets `*`, and only admin may read Secrets.
 */
import type { Cluster, FleetConfig, RbacGroups } from "../../config/index.ts";
import { AGENT_ROLLOUT } from "../../contract/agentRollout.ts";
import { fleetLabels } from "../../contract/labels.ts";
import type { KubeObject } from "../types.ts";
import { agentsIn } from "./quota.ts";

const READ = ["get", "list", "watch"];
const WRITE = [...READ, "create", "update", "patch", "delete"];

const WORKLOADS = [
  {
    apiGroups: [""],
    resources: ["pods", "pods/log", "services", "configmaps", "persistentvolumeclaims", "events"],
  },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "deployments/scale"] },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
  { apiGroups: [AGENT_ROLLOUT.group], resources: [AGENT_ROLLOUT.plural, `${AGENT_ROLLOUT.plural}/status`] },
  { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"] },
  { apiGroups: ["monitoring.coreos.com"], resources: ["servicemonitors", "prometheusrules"] },
];

type RoleName = "admin" | "operator" | "read-only";

function rules(role: RoleName) {
  const read = WORKLOADS.map((rule) => ({ ...rule, verbs: READ }));
  if (role === "read-only") return read;
  if (role === "operator") {
    return [
      ...read,
      // Operators restart pods, scale, and drive releases (promote/abort/pause annotations).
      { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
      { apiGroups: ["apps"], resources: ["deployments", "deployments/scale"], verbs: ["patch", "update"] },
      { apiGroups: [AGENT_ROLLOUT.group], resources: [AGENT_ROLLOUT.plural], verbs: ["patch", "update"] },
    ];
  }
  return [
    ...WORKLOADS.map((rule) => ({ ...rule, verbs: WRITE })),
    { apiGroups: [""], resources: ["secrets"], verbs: WRITE },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: WRITE },
  ];
}

const GROUPS_OF: Record<RoleName, keyof RbacGroups> = {
  admin: "admin",
  operator: "operator",
  "read-only": "readOnly",
};

export function buildRbac(cluster: Cluster, fleet: FleetConfig): KubeObject[] {
  const labels = fleetLabels("access-control");
  const objects: KubeObject[] = [];
  for (const role of ["admin", "operator", "read-only"] as const) {
    const name = `agent-fleet-${role}`;
    objects.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace: cluster.name, labels },
      rules: rules(role),
    });
    const groups = cluster.rbac[GROUPS_OF[role]];
    if (groups.length === 0) continue;
    objects.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace: cluster.name, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: groups.map((group) => ({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Group",
        name: group,
      })),
    });
  }
  for (const agent of agentsIn(cluster, fleet)) {
    objects.push({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: agent.id,
        namespace: cluster.name,
        labels: { ...fleetLabels("agent"), agent: agent.id },
      },
      automountServiceAccountToken: false,
    });
  }
  return objects;
}
