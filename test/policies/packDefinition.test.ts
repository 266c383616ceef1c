/** The pack's definition: policy metadata, declared enforcement, type conversion, and the pack directory. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../harness/renderCli.ts";
import { kubeObjectFromResource, packPolicies } from "../../src/policy/pack.ts";
import { POLICIES } from "../../src/policy/registry.ts";
import { testContext } from "./support/pack.ts";

describe("registered policies", () => {
  const policies = packPolicies(testContext());

  it("have unique kebab-case names and descriptions that say what to do", () => {
    const names = policies.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    for (const policy of policies) {
      expect(policy.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(policy.description).toMatch(/\. Fix: .+\.$/);
    }
  });

  it("declare each tunable threshold in the config schema with its default", () => {
    for (const [index, policy] of policies.entries()) {
      const settings = POLICIES[index]?.settings ?? {};
      const properties = policy.configSchema?.properties ?? {};
      expect(Object.keys(properties)).toEqual(Object.keys(settings));
      for (const [key, spec] of Object.entries(settings)) {
        expect(properties[key]).toMatchObject({ default: spec.default, description: spec.description });
      }
    }
  });

  it("are declared at the stack's enforcement, with per-policy overrides", () => {
    const dev = packPolicies(
      testContext({ enforcement: "advisory", overrides: { "image-pinned": "mandatory" } }),
    );
    expect(
      dev.filter((policy) => policy.enforcementLevel === "mandatory").map((policy) => policy.name),
    ).toEqual(["image-pinned", "object-identity-and-limits"]);
    expect(new Set(policies.map((policy) => policy.enforcementLevel))).toEqual(new Set(["mandatory"]));
    expect(() => packPolicies(testContext({ overrides: { "no-such-policy": "disabled" } }))).toThrow(
      'policy.overrides names unknown policy "no-such-policy"',
    );
  });
});

describe("engine resources as Kubernetes objects", () => {
  it("reads core, grouped and custom kinds from the type token when inputs omit them", () => {
    const metadata = { name: "x", namespace: "ns" };
    expect(kubeObjectFromResource("kubernetes:core/v1:Service", { metadata })).toMatchObject({
      apiVersion: "v1",
      kind: "Service",
    });
    expect(
      kubeObjectFromResource("kubernetes:agentfleet.dev/v1alpha1:AgentRollout", { metadata, spec: {} }),
    ).toEqual({
      apiVersion: "agentfleet.dev/v1alpha1",
      kind: "AgentRollout",
      metadata,
      spec: {},
    });
  });

  it("ignores providers, components and other clouds", () => {
    expect(kubeObjectFromResource("pulumi:providers:kubernetes", {})).toBeUndefined();
    expect(kubeObjectFromResource("agent-fleet:index:Agent", {})).toBeUndefined();
    expect(kubeObjectFromResource("aws:s3/bucket:Bucket", {})).toBeUndefined();
  });
});

describe("the policies/ directory", () => {
  const packDir = join(PROJECT_DIR, "policies");

  it("is a Node.js policy pack whose manifest loads index.ts as CommonJS with what it requires", () => {
    expect(parse(readFileSync(join(packDir, "PulumiPolicy.yaml"), "utf8"))).toMatchObject({
      runtime: "nodejs",
    });
    const manifest = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8"));
    const root = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ type: "commonjs", main: "index.ts" });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@pulumi/policy", "@pulumi/pulumi", "tsx"]);
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      expect(range).toBe(root.dependencies[name] ?? root.devDependencies[name]);
    }
  });

  it("holds the only code that constructs the PolicyPack", () => {
    const constructing: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === "node_modules" || entry.startsWith(".")) continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.[cm]?ts$/.test(entry) && /new PolicyPack\(/.test(readFileSync(path, "utf8"))) {
          constructing.push(relative(PROJECT_DIR, path));
        }
      }
    };
    for (const dir of ["src", "policies", "bench", "scripts"]) walk(join(PROJECT_DIR, dir));
    expect(constructing).toEqual(["policies/index.ts"]);
  });
});
