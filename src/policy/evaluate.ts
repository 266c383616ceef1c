/**
 * The offline policy run: every policy over the rendered objects, with the enforcement the Pulumi
 * engine would report it at. No Pulumi engine involved; the same check functions as the pack.
 */
import { type KubeObject, objectKey } from "../manifests/types.ts";
import { assertKnownPolicies, effectiveEnforcement, type PackConfig, packSettings } from "./context.ts";
import { POLICIES } from "./registry.ts";
import { resolveSettings } from "./settings.ts";
import { type Finding, type PolicyContext, type PolicyDefinition, STACK_RESOURCE } from "./types.ts";

export interface PolicyRun {
  findings: Finding[];
  /** Policies evaluated (not disabled), with their enforcement. */
  evaluated: Array<{ policy: string; enforcement: Finding["enforcement"] }>;
  objects: number;
}

function violationsOf(
  policy: PolicyDefinition,
  objects: readonly KubeObject[],
  context: PolicyContext,
  provided: Record<string, unknown>,
): Array<{ resource: string; message: string }> {
  if (policy.scope === "resource") {
    const settings = resolveSettings(policy.name, policy.settings, provided);
    return objects.flatMap((object) =>
      policy.check(object, context, settings).map((message) => ({ resource: objectKey(object), message })),
    );
  }
  const settings = resolveSettings(policy.name, policy.settings, provided);
  return policy.check(objects, context, settings).map(({ object, message }) => ({
    resource: object ? objectKey(object) : STACK_RESOURCE,
    message,
  }));
}

export function evaluatePolicies(
  objects: readonly KubeObject[],
  context: PolicyContext,
  packConfig: PackConfig = {},
  policies: readonly PolicyDefinition[] = POLICIES,
): PolicyRun {
  assertKnownPolicies(policies, context, packConfig);
  const findings: Finding[] = [];
  const evaluated: PolicyRun["evaluated"] = [];
  for (const policy of policies) {
    const enforcement = effectiveEnforcement(policy, context, packConfig);
    if (enforcement === "disabled") continue;
    evaluated.push({ policy: policy.name, enforcement });
    for (const violation of violationsOf(policy, objects, context, packSettings(policy.name, packConfig))) {
      findings.push({ policy: policy.name, ...violation, enforcement });
    }
  }
  return { findings, evaluated, objects: objects.length };
}

/** Mandatory violations block a deployment; advisory ones are reported only. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.enforcement === "mandatory");
}
