/** RBAC roles list verbs and resources explicitly, and read-only roles cannot read Secrets. */
import { asArray } from "../objects.ts";
import { stringSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

const READ_VERBS = ["get", "list", "watch", "*"];

function readsSecrets(rule: PolicyRule): boolean {
  const coreGroup = (rule.apiGroups ?? []).some((group) => group === "" || group === "*");
  const secrets = (rule.resources ?? []).some((resource) => resource === "secrets" || resource === "*");
  return coreGroup && secrets && (rule.verbs ?? []).some((verb) => READ_VERBS.includes(verb));
}

export const rbacLeastPrivilege = resourcePolicy({
  name: "rbac-least-privilege",
  description:
    "Roles and ClusterRoles never grant the `*` verb or `*` resources, and read-only roles cannot read " +
    "Secrets. Fix: list the verbs and resources the role needs; give Secrets access to admin roles only.",
  scope: "resource",
  settings: {
    readOnlyRolePattern: stringSetting(
      "read-?only|viewer",
      "Regular expression matching read-only role names.",
    ),
  },
  check(object, _context, settings) {
    if (object.kind !== "Role" && object.kind !== "ClusterRole") return [];
    const readOnly = new RegExp(settings.readOnlyRolePattern).test(object.metadata.name);
    return asArray<PolicyRule>(object.rules).flatMap((rule, index) => {
      const what = `rule ${index + 1} (${(rule.resources ?? []).join(", ")})`;
      const messages: string[] = [];
      if ((rule.verbs ?? []).includes("*"))
        messages.push(`${what} grants every verb ("*"): list the verbs it needs`);
      if ((rule.resources ?? []).includes("*")) {
        messages.push(`${what} grants every resource ("*"): list the resources it needs`);
      }
      if (readOnly && readsSecrets(rule)) {
        messages.push(`${what} lets a read-only role read Secrets: remove secrets from it`);
      }
      return messages;
    });
  },
});
