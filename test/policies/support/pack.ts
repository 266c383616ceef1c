/**
 * Runs policies the way the Pulumi engine does: through the `validateResource` / `validateStack`
 * functions the pack registers, with the engine's argument shapes (type token, props, URN,
 * getConfig, reportViolation). Tests see exactly what a `pulumi preview --policy-pack` would report.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { EnforcementLevel } from "../../../src/config/index.ts";
import type { KubeObject } from "../../../src/manifests/types.ts";
import { packPolicies } from "../../../src/policy/pack.ts";
import type { PolicyContext } from "../../../src/policy/types.ts";

export function testContext(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return {
    stack: "prod",
    environment: "prod",
    enforcement: "mandatory",
    overrides: {},
    allowLoadBalancers: true,
    externalAgents: [],
    encryptedStorageClasses: { "data-processing": "encrypted" },
    resourcePool: { cpu: 64_000, memory: 256 * 2 ** 30, storage: 4 * 2 ** 40, gpu: 0 },
    ...overrides,
  };
}

/** `apps/v1` → `kubernetes:apps/v1:Deployment`; core kinds are `kubernetes:core/v1:<Kind>`. */
export function typeToken(object: KubeObject): string {
  const groupVersion = object.apiVersion.includes("/") ? object.apiVersion : `core/${object.apiVersion}`;
  return `kubernetes:${groupVersion}:${object.kind}`;
}

export function urnOf(object: KubeObject): string {
  const name = object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : object.metadata.name;
  return `urn:pulumi:prod::agent-fleet::${typeToken(object)}::${name}`;
}

const OPTIONS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function engineShape(object: KubeObject) {
  return {
    type: typeToken(object),
    props: object as Record<string, unknown>,
    urn: urnOf(object),
    name: object.metadata.name,
    opts: OPTIONS,
    isType: () => false,
    asType: () => undefined,
  };
}

export interface Reported {
  policy: string;
  message: string;
  urn?: string;
  enforcement: EnforcementLevel;
}

function registered(context: PolicyContext, name: string) {
  const policy = packPolicies(context).find((candidate) => candidate.name === name);
  if (!policy) throw new Error(`the pack registers no policy ${name}`);
  return policy;
}

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason}`);
}

/** Every message one resource policy reports for `objects`, each checked alone as the engine does. */
export async function validateResources(
  name: string,
  objects: KubeObject[],
  context = testContext(),
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const policy = registered(context, name) as ResourceValidationPolicy;
  if (typeof policy.validateResource !== "function") throw new Error(`${name} is not a resource policy`);
  const messages: string[] = [];
  for (const object of objects) {
    const args: ResourceValidationArgs = {
      ...engineShape(object),
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable,
    };
    const report: ReportViolation = (message) => messages.push(message);
    await policy.validateResource(args, report);
  }
  return messages;
}

/** What one stack policy reports for the whole set of objects: messages with the URN they blame. */
export async function validateStack(
  name: string,
  objects: KubeObject[],
  context = testContext(),
  config: Record<string, unknown> = {},
): Promise<Array<{ message: string; urn?: string }>> {
  const policy = registered(context, name) as StackValidationPolicy;
  if (typeof policy.validateStack !== "function") throw new Error(`${name} is not a stack policy`);
  const resources = objects.map(
    (object) =>
      ({ ...engineShape(object), dependencies: [], propertyDependencies: {} }) as unknown as PolicyResource,
  );
  const reported: Array<{ message: string; urn?: string }> = [];
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  await policy.validateStack(args, (message, urn) => reported.push(urn ? { message, urn } : { message }));
  return reported;
}
