/** Renders of the real stacks and of the violations fixture, with their policy contexts. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../../harness/renderCli.ts";
import type { KubeObject } from "../../../src/manifests/types.ts";
import { policyContextFromFleet } from "../../../src/policy/context.ts";
import type { Finding, PolicyContext } from "../../../src/policy/types.ts";
import { renderStack } from "../../../src/render/renderStack.ts";
import { injectViolations } from "./inject.ts";

export const VIOLATIONS_DIR = join(PROJECT_DIR, "test", "fixtures", "policy-violations");
export const VIOLATIONS_STACK = join(VIOLATIONS_DIR, "Pulumi.violations.yaml");
export const INJECTIONS = join(VIOLATIONS_DIR, "injections.yaml");

export interface StackUnderTest {
  objects: KubeObject[];
  context: PolicyContext;
}

export function stackUnderTest(stack: string): StackUnderTest {
  const { loaded, rendered } = renderStack(stack, PROJECT_DIR);
  return { objects: rendered.objects, context: policyContextFromFleet(loaded.fleet, loaded.stack) };
}

/** The violations fixture: its stack rendered, then the object-level violations injected. */
export function violationsUnderTest(): StackUnderTest {
  const { objects, context } = stackUnderTest(VIOLATIONS_STACK);
  return { objects: injectViolations(objects, INJECTIONS), context };
}

export function expectedViolations(): Finding[] {
  return parse(readFileSync(join(VIOLATIONS_DIR, "expected.yaml"), "utf8")) as Finding[];
}
