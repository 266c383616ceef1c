/**
 * The shape of a policy: a pure function over plain Kubernetes objects and a small stack context.
 * The Pulumi policy pack (`policies/`) and the offline run (`npm run policy`) both call these
 * functions, so their verdicts agree by construction.
 */
import type { ResourceAmounts } from "../capacity/resourceUsage.ts";
import type { EnforcementLevel, Environment } from "../config/index.ts";
import type { KubeObject } from "../manifests/types.ts";
import type { SettingSpecs, SettingsOf } from "./settings.ts";

/** What the policies need to know about the stack beyond the objects themselves. */
export interface PolicyContext {
  stack: string;
  environment: Environment;
  /** Enforcement of every policy unless `overrides` names it (advisory in dev, mandatory in prod). */
  enforcement: EnforcementLevel;
  /** Per-policy enforcement from `policy.overrides`. */
  overrides: Record<string, EnforcementLevel>;
  /** `policy.allowLoadBalancers`. */
  allowLoadBalancers: boolean;
  /** `<namespace>/<agent>` of every agent declared with `externalAccess: true`. */
  externalAgents: string[];
  /** The encrypted storage class of each agent cluster, by namespace. */
  encryptedStorageClasses: Record<string, string>;
  /** `resourcePool` in base units. */
  resourcePool: ResourceAmounts;
}

/** A violation found by a stack policy; `object` is the resource to blame, when there is one. */
export interface StackViolation {
  object?: KubeObject;
  message: string;
}

/**
 * How the stack's enforcement applies to a policy:
 * - `stack`: `policy.overrides`, else `policy.enforcement` (advisory in dev, mandatory in prod);
 * - `always`: mandatory in every stack, and `policy.overrides` may not lower it — for objects the
 *   API server itself rejects, where a softer level would only move the failure to apply time;
 * - `prodOnly`: as `stack` in prod; elsewhere at most advisory unless `policy.overrides` names it —
 *   for states that are a mistake in prod but a deliberate choice in dev.
 */
export type EnforcementScope = "stack" | "always" | "prodOnly";

interface PolicyBase<S extends SettingSpecs> {
  /** Unique, kebab-case; the key of `policy.overrides` and of Pulumi policy pack config. */
  name: string;
  /** @default "stack" */
  enforcedAs?: EnforcementScope;
  /** What the policy requires and what to do about a violation. */
  description: string;
  /** Tunable thresholds, each with its default (the pack's config schema is generated from these). */
  settings: S;
}

export interface ResourcePolicy<S extends SettingSpecs = SettingSpecs> extends PolicyBase<S> {
  scope: "resource";
  /** Messages for every violation of one object (empty when it complies or does not apply). */
  check(object: KubeObject, context: PolicyContext, settings: SettingsOf<S>): string[];
}

export interface StackPolicy<S extends SettingSpecs = SettingSpecs> extends PolicyBase<S> {
  scope: "stack";
  check(objects: readonly KubeObject[], context: PolicyContext, settings: SettingsOf<S>): StackViolation[];
}

export type PolicyDefinition = ResourcePolicy | StackPolicy;

/** Identity helpers that keep each module's settings type while erasing it for the registry. */
export function resourcePolicy<S extends SettingSpecs>(policy: ResourcePolicy<S>): ResourcePolicy {
  return policy as unknown as ResourcePolicy;
}

export function stackPolicy<S extends SettingSpecs>(policy: StackPolicy<S>): StackPolicy {
  return policy as unknown as StackPolicy;
}

/** One violation with the enforcement it is reported at. */
export interface Finding {
  policy: string;
  /** `namespace/Kind/name` of the object to blame, or `(stack)`. */
  resource: string;
  message: string;
  enforcement: EnforcementLevel;
}

export const STACK_RESOURCE = "(stack)";
