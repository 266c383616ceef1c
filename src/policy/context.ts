/**
 * The policy context from a validated fleet. The offline run builds it from the stack file; the
 * pack builds it from the same stack config, which Pulumi hands every policy pack (`PULUMI_CONFIG`):
 * one function, so both see the same environment, enforcement and exposure rules.
 */
import { poolAmounts } from "../capacity/resourceUsage.ts";
import type { EnforcementLevel, FleetConfig } from "../config/index.ts";
import type { PolicyContext, PolicyDefinition } from "./types.ts";

export function policyContextFromFleet(fleet: FleetConfig, stack: string): PolicyContext {
  return {
    stack,
    environment: fleet.environment,
    enforcement: fleet.policy.enforcement,
    overrides: { ...fleet.policy.overrides },
    allowLoadBalancers: fleet.policy.allowLoadBalancers,
    externalAgents: fleet.agents
      .filter((agent) => agent.externalAccess)
      .map((agent) => `${agent.cluster}/${agent.id}`)
      .sort(),
    encryptedStorageClasses: Object.fromEntries(
      fleet.clusters.map((cluster) => [cluster.name, cluster.encryptedStorageClass]),
    ),
    resourcePool: poolAmounts(fleet.resourcePool),
  };
}

/** Pulumi policy pack config (`--policy-pack-config`): per policy a level, or settings with one. */
type PackLevel = EnforcementLevel | "remediate";
export type PackConfig = Record<
  string,
  PackLevel | ({ enforcementLevel?: PackLevel } & Record<string, unknown>)
>;

type PolicyIdentity = Pick<PolicyDefinition, "name" | "enforcedAs">;

/** Orders levels by how much they block. */
const STRENGTH: Record<EnforcementLevel, number> = { disabled: 0, advisory: 1, mandatory: 2 };

/**
 * The enforcement a policy is declared with in the pack: `policy.overrides` over the stack's level
 * (`policy.enforcement`, defaulting to mandatory in prod and advisory elsewhere), as the policy's
 * `enforcedAs` lets them apply.
 */
export function declaredEnforcement(policy: PolicyIdentity, context: PolicyContext): EnforcementLevel {
  if (policy.enforcedAs === "always") return "mandatory";
  const override = context.overrides[policy.name];
  if (override) return override;
  if (policy.enforcedAs === "prodOnly" && context.environment !== "prod") {
    return STRENGTH[context.enforcement] > STRENGTH.advisory ? "advisory" : context.enforcement;
  }
  return context.enforcement;
}

/**
 * The enforcement a violation is reported at, as the Pulumi engine decides it: the level given in
 * pack config for the policy (or for `all`), else the declared one.
 */
export function effectiveEnforcement(
  policy: PolicyIdentity,
  context: PolicyContext,
  packConfig: PackConfig = {},
): EnforcementLevel {
  const own = packConfig[policy.name];
  const ownLevel = typeof own === "string" ? own : own?.enforcementLevel;
  const all = packConfig.all;
  const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
  const level: string = ownLevel ?? allLevel ?? declaredEnforcement(policy, context);
  // Validation has no remediation step: the engine reports `remediate` policies as mandatory.
  return level === "remediate" ? "mandatory" : (level as EnforcementLevel);
}

/** The settings a policy's pack config provides (everything but its enforcement level). */
export function packSettings(policy: string, packConfig: PackConfig = {}): Record<string, unknown> {
  const own = packConfig[policy];
  if (own === undefined || typeof own === "string") return {};
  const { enforcementLevel: _level, ...settings } = own;
  return settings;
}

/**
 * `policy.overrides` naming a policy that does not exist is a typo that would silently do nothing;
 * one lowering an `always` policy would be ignored, so both are errors.
 */
export function assertKnownPolicies(
  policies: readonly PolicyIdentity[],
  context: PolicyContext,
  packConfig: PackConfig = {},
) {
  const names = policies.map((policy) => policy.name);
  const known = new Set(names);
  for (const policy of policies) {
    const override = context.overrides[policy.name];
    if (policy.enforcedAs === "always" && override && override !== "mandatory") {
      throw new Error(
        `policy.overrides cannot set ${policy.name} to ${override}: it is mandatory in every stack (the API server ` +
          "rejects what it reports); remove the override",
      );
    }
  }
  const unknown = [
    ...Object.keys(context.overrides).map((name) => ({ name, where: "policy.overrides" })),
    ...Object.keys(packConfig)
      .filter((name) => name !== "all")
      .map((name) => ({ name, where: "policy config" })),
  ].filter(({ name }) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `${unknown.map(({ name, where }) => `${where} names unknown policy "${name}"`).join("; ")}. Known policies: ${names.join(", ")}`,
    );
  }
}
