/**
 * The real stacks against every policy, the violations fixture against its exact expected list,
 * and enforcement as stack config and pack config decide it.
 */
import { describe, expect, it } from "vitest";
import { blockingFindings, evaluatePolicies } from "../../src/policy/evaluate.ts";
import { POLICIES, POLICY_NAMES } from "../../src/policy/registry.ts";
import type { Finding } from "../../src/policy/types.ts";
import { expectedViolations, stackUnderTest, violationsUnderTest } from "./support/stacks.ts";

const ALWAYS_MANDATORY = POLICIES.filter(({ enforcedAs }) => enforcedAs === "always").map(({ name }) => name);

describe("the real stacks", () => {
  it.each(["prod", "dev"])("%s passes every policy", (stack) => {
    const { objects, context } = stackUnderTest(stack);
    const run = evaluatePolicies(objects, context);
    expect(run.findings).toEqual([]);
    expect(run.evaluated.map(({ policy }) => policy)).toEqual(POLICY_NAMES);
  });

  it.each([
    ["prod", "mandatory"],
    ["dev", "advisory"],
  ])(
    "%s evaluates every policy as %s (its policy.enforcement), the always-mandatory ones aside",
    (stack, level) => {
      const { objects, context } = stackUnderTest(stack);
      const { evaluated } = evaluatePolicies(objects, context);
      const levels = evaluated.filter(({ policy }) => !ALWAYS_MANDATORY.includes(policy));
      expect(new Set(levels.map(({ enforcement }) => enforcement))).toEqual(new Set([level]));
      for (const policy of ALWAYS_MANDATORY)
        expect(evaluated).toContainEqual({ policy, enforcement: "mandatory" });
    },
  );
});

describe("the violations fixture", () => {
  const { objects, context } = violationsUnderTest();
  const run = evaluatePolicies(objects, context);

  it("fails with exactly the expected violations", () => {
    expect(run.findings).toEqual(expectedViolations());
  });

  it("exercises every policy", () => {
    expect(new Set(run.findings.map((finding) => finding.policy))).toEqual(new Set(POLICY_NAMES));
  });

  it("reports an overridden policy at its own level and blocks on the mandatory ones", () => {
    const probes = run.findings.filter((finding) => finding.policy === "health-probes");
    expect(probes.map((finding) => finding.enforcement)).toEqual(["advisory"]);
    expect(blockingFindings(run.findings)).toHaveLength(run.findings.length - probes.length);
  });
});

describe("enforcement", () => {
  const { objects, context } = violationsUnderTest();

  it("follows the stack: advisory in dev, nothing in a disabled stack, except what the API server would reject", () => {
    const always = (findings: Finding[]) =>
      findings.filter(({ policy }) => ALWAYS_MANDATORY.includes(policy));
    const advisory = evaluatePolicies(objects, { ...context, enforcement: "advisory", overrides: {} });
    expect(blockingFindings(advisory.findings)).toEqual(always(expectedViolations()));
    expect(advisory.findings).toHaveLength(expectedViolations().length);
    const disabled = evaluatePolicies(objects, { ...context, enforcement: "disabled", overrides: {} });
    expect(disabled.findings).toEqual(always(expectedViolations()));
    expect(disabled.evaluated).toEqual(
      ALWAYS_MANDATORY.map((policy) => ({ policy, enforcement: "mandatory" })),
    );
  });

  it("lets pack config override levels and settings, as `--policy-pack-config` does", () => {
    const run = evaluatePolicies(objects, context, {
      all: "advisory",
      "capacity-fits-pool": "disabled",
      "prod-replica-floor": { enforcementLevel: "mandatory", minReplicas: 2 },
    });
    expect(run.findings.some((finding) => finding.policy === "capacity-fits-pool")).toBe(false);
    expect(run.findings.filter((finding) => finding.policy === "prod-replica-floor")).toEqual([]);
    expect(blockingFindings(run.findings)).toEqual([]);
  });

  it("rejects overrides and pack config that name no policy, and settings of the wrong type", () => {
    expect(() =>
      evaluatePolicies(objects, { ...context, overrides: { "health-probe": "advisory" } }),
    ).toThrow('policy.overrides names unknown policy "health-probe"');
    expect(() => evaluatePolicies(objects, context, { "prod-replica-floor": { minReplicas: "3" } })).toThrow(
      'policy config prod-replica-floor.minReplicas: "3" does not match',
    );
    expect(() => evaluatePolicies(objects, context, { "hpa-bounds": { threshold: 1 } })).toThrow(
      "policy config hpa-bounds: unknown setting(s) threshold",
    );
  });
});
