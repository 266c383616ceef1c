/**
 * The policy pack as Pulumi runs it: policies/index.ts loaded by Pulumi's policy runner, the stack
 * config in PULUMI_CONFIG, resources from the real program under mocks (real type tokens and
 * inputs), driven over the analyzer gRPC protocol. Its verdicts equal the offline run's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStackFile } from "../../src/config/index.ts";
import { type KubeObject, objectKey } from "../../src/manifests/types.ts";
import { policyContextFromFleet } from "../../src/policy/context.ts";
import { evaluatePolicies } from "../../src/policy/evaluate.ts";
import { POLICY_NAMES } from "../../src/policy/registry.ts";
import { type Finding, STACK_RESOURCE } from "../../src/policy/types.ts";
import {
  type EngineResource,
  programResources,
  type RunningPack,
  startPolicyPack,
} from "./support/analyzer.ts";
import { expectedViolations, INJECTIONS, VIOLATIONS_STACK } from "./support/stacks.ts";

let pack: RunningPack;
let resources: EngineResource[];
let objects: KubeObject[];

beforeAll(async () => {
  [pack, { resources, objects }] = await Promise.all([
    startPolicyPack("violations", VIOLATIONS_STACK),
    programResources("violations", VIOLATIONS_STACK, INJECTIONS),
  ]);
});
afterAll(() => pack?.stop());

describe("the policy pack under Pulumi's policy runner", () => {
  it("serves every policy with the enforcement the stack config gives it, and its settings schema", async () => {
    const info = await pack.info();
    expect(info.name).toBe("agent-fleet");
    expect(info.policies.map((policy) => policy.name)).toEqual(POLICY_NAMES);
    for (const policy of info.policies) {
      expect(policy.enforcement).toBe(policy.name === "health-probes" ? "advisory" : "mandatory");
      expect(policy.description).toMatch(/Fix: /);
    }
    const floor = info.policies.find((policy) => policy.name === "prod-replica-floor");
    expect(floor?.configSchema).toMatchObject({ minReplicas: { type: "integer", default: 3 } });
  });

  it("reports exactly the offline run's violations for the program's own resources", async () => {
    const keyOf = new Map(
      resources.map((resource, index) => [resource.urn, objectKey(objects[index] as KubeObject)]),
    );
    const perResource = await Promise.all(resources.map((resource) => pack.analyze(resource)));
    const stack = await pack.analyzeStack(resources);
    const reported: Finding[] = [...perResource.flat(), ...stack].map((diagnostic) => ({
      policy: diagnostic.policy,
      resource: diagnostic.urn ? (keyOf.get(diagnostic.urn) ?? diagnostic.urn) : STACK_RESOURCE,
      enforcement: diagnostic.enforcement as Finding["enforcement"],
      message: diagnostic.message,
    }));
    const offline = evaluatePolicies(
      objects,
      policyContextFromFleet(loadStackFile(VIOLATIONS_STACK).fleet, "violations"),
    );
    const sorted = (findings: Finding[]) =>
      findings.map((f) => `${f.policy} | ${f.resource} | ${f.enforcement} | ${f.message}`).sort();
    expect(sorted(reported)).toEqual(sorted(offline.findings));
    expect(sorted(reported)).toEqual(sorted(expectedViolations()));
  });
});
