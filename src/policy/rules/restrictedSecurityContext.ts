/**
 * The Pod Security `restricted` container rules the fleet relies on: non-root, read-only root
 * filesystem, all capabilities dropped, no privilege escalation, RuntimeDefault seccomp.
 */
import { containersOf, type NamedContainer, podTemplateOf, type SecurityContextView } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

interface Allowed {
  allowedCapabilities: string[];
  allowedSeccompProfiles: string[];
}

function containerProblems(
  { container }: NamedContainer,
  pod: SecurityContextView,
  allowed: Allowed,
): string[] {
  const own = container.securityContext ?? {};
  const problems: string[] = [];
  const runAsUser = own.runAsUser ?? pod.runAsUser;
  if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true || runAsUser === 0) {
    problems.push("must run as non-root (set securityContext.runAsNonRoot: true and a non-zero runAsUser)");
  }
  if (own.readOnlyRootFilesystem !== true) {
    problems.push(
      "must have a read-only root filesystem (readOnlyRootFilesystem: true; write to mounted volumes)",
    );
  }
  if (!(own.capabilities?.drop ?? []).includes("ALL")) {
    problems.push('must drop all capabilities (capabilities.drop: ["ALL"])');
  }
  const added = (own.capabilities?.add ?? []).filter((cap) => !allowed.allowedCapabilities.includes(cap));
  if (added.length > 0) problems.push(`adds capabilities ${added.join(", ")}: remove them`);
  if (own.allowPrivilegeEscalation !== false) {
    problems.push("must not allow privilege escalation (allowPrivilegeEscalation: false)");
  }
  const seccomp = own.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (!seccomp || !allowed.allowedSeccompProfiles.includes(seccomp)) {
    problems.push(
      `must use a ${allowed.allowedSeccompProfiles.join(" or ")} seccomp profile (seccompProfile.type, got ${seccomp ?? "none"})`,
    );
  }
  return problems;
}

export const restrictedSecurityContext = resourcePolicy({
  name: "restricted-security-context",
  description:
    "Every container runs as non-root with a read-only root filesystem, drops all capabilities, cannot " +
    "escalate privileges and uses the RuntimeDefault seccomp profile (Pod Security `restricted`). Fix: set " +
    "these fields in the container's securityContext (the pod-level one covers runAsNonRoot and seccomp).",
  scope: "resource",
  settings: {
    allowedCapabilities: stringListSetting(["NET_BIND_SERVICE"], "Capabilities a container may add back."),
    allowedSeccompProfiles: stringListSetting(["RuntimeDefault"], "Accepted seccompProfile.type values."),
  },
  check(object, _context, settings) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec) return [];
    return containersOf(spec).flatMap((named) =>
      containerProblems(named, spec.securityContext ?? {}, settings).map(
        (problem) => `${named.label} ${problem}`,
      ),
    );
  },
});
