/**
 * `object-identity-and-limits`: the render's last check over the object set, as a policy on what
 * the engine was given. Mandatory in every stack: the API server rejects these objects whatever a
 * stack's enforcement says.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/manifests/types.ts";
import { evaluatePolicies } from "../../src/policy/evaluate.ts";
import { packPolicies } from "../../src/policy/pack.ts";
import { deployment, service } from "./support/objects.ts";
import { testContext, urnOf, validateStack } from "./support/pack.ts";

const POLICY = "object-identity-and-limits";
const dev = testContext({ stack: "dev", environment: "dev", enforcement: "advisory" });

function configMap(name: string, bytes: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "monitoring", labels: { "app.kubernetes.io/component": "monitoring" } },
    data: { "dashboard.json": "x".repeat(bytes) },
  };
}

describe(POLICY, () => {
  it("passes distinct objects within the limits", async () => {
    expect(await validateStack(POLICY, [deployment(), service(), configMap("dashboards", 1000)])).toEqual([]);
  });

  it("blames the second of two objects with one identity, naming the agents behind both", async () => {
    const first = service("ingest");
    const second: KubeObject = {
      ...service("ingest"),
      metadata: { ...service("ingest").metadata, labels: { agent: "enrich" } },
    };
    const [violation, ...rest] = await validateStack(POLICY, [first, second]);
    expect(rest).toEqual([]);
    expect(violation?.urn).toBe(urnOf(second));
    expect(violation?.message).toMatch(
      /^Service data-processing\/ingest is rendered twice: from agent ingest and from agent enrich; /,
    );
  });

  it("reports objects over the API server's limits, with the value, the limit and the fix", async () => {
    const reported = await validateStack(POLICY, [configMap("dashboards", 1024 * 1024 + 1)]);
    expect(reported.map(({ message }) => message)).toEqual([
      "ConfigMap monitoring/dashboards: data + binaryData hold 1048577 bytes (largest: dashboard.json 1048577), " +
        "over the API server's limit of 1048576 bytes (1 MiB) per object. Fix: make the data smaller or split it across several objects",
    ]);
  });

  it("is mandatory in every stack, even one whose policies are advisory or disabled", () => {
    const declared = (context = dev) =>
      packPolicies(context).find((policy) => policy.name === POLICY)?.enforcementLevel;
    expect(declared()).toBe("mandatory");
    expect(declared({ ...dev, enforcement: "disabled" })).toBe("mandatory");
    const run = evaluatePolicies([configMap("big", 2 * 1024 * 1024)], { ...dev, enforcement: "disabled" });
    expect(run.findings.map(({ policy, enforcement }) => [policy, enforcement])).toEqual([
      [POLICY, "mandatory"],
    ]);
  });

  it("cannot be lowered by policy.overrides (the API server would reject the object anyway)", () => {
    expect(() => evaluatePolicies([], { ...dev, overrides: { [POLICY]: "advisory" } })).toThrow(
      `policy.overrides cannot set ${POLICY} to advisory: it is mandatory in every stack`,
    );
    expect(() => evaluatePolicies([], { ...dev, overrides: { [POLICY]: "mandatory" } })).not.toThrow();
  });
});
