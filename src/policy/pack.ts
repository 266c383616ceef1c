/**
 * The policies as `@pulumi/policy` policies. `validateResource` / `validateStack` turn the engine's
 * resources back into the plain Kubernetes objects the render produced and call the same check
 * functions the offline run calls; only this adapter knows about the engine's shapes.
 */
import type {
  Policies,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { KubeObject } from "../manifests/types.ts";
import { assertKnownPolicies, declaredEnforcement } from "./context.ts";
import { POLICIES } from "./registry.ts";
import { configSchemaOf, resolveSettings } from "./settings.ts";
import type { PolicyContext, PolicyDefinition, ResourcePolicy, StackPolicy } from "./types.ts";

const KUBERNETES_TYPE = /^kubernetes:([^:]+):([^:]+)$/;

/**
 * The Kubernetes object behind a Pulumi resource (`kubernetes:apps/v1:Deployment`, custom resources
 * as `kubernetes:<group>/<version>:<Kind>`), or undefined for providers, components and other clouds.
 */
export function kubeObjectFromResource(type: string, props: Record<string, unknown>): KubeObject | undefined {
  const match = KUBERNETES_TYPE.exec(type);
  if (!match) return undefined;
  const [, groupVersion = "", kind = ""] = match;
  const metadata = (props.metadata ?? {}) as KubeObject["metadata"];
  return {
    ...props,
    apiVersion: typeof props.apiVersion === "string" ? props.apiVersion : groupVersion.replace(/^core\//, ""),
    kind: typeof props.kind === "string" ? props.kind : kind,
    metadata,
  };
}

function metadataOf(definition: PolicyDefinition, context: PolicyContext) {
  return {
    name: definition.name,
    description: definition.description,
    enforcementLevel: declaredEnforcement(definition, context),
    configSchema: configSchemaOf(definition.settings),
  };
}

function packResourcePolicy(definition: ResourcePolicy, context: PolicyContext): ResourceValidationPolicy {
  return {
    ...metadataOf(definition, context),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const object = kubeObjectFromResource(args.type, args.props);
      if (!object) return;
      const settings = resolveSettings(definition.name, definition.settings, args.getConfig());
      for (const message of definition.check(object, context, settings)) reportViolation(message);
    },
  };
}

function packStackPolicy(definition: StackPolicy, context: PolicyContext): StackValidationPolicy {
  return {
    ...metadataOf(definition, context),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const urns = new Map<KubeObject, string>();
      for (const resource of args.resources) {
        const object = kubeObjectFromResource(resource.type, resource.props);
        if (object) urns.set(object, resource.urn);
      }
      const settings = resolveSettings(definition.name, definition.settings, args.getConfig());
      for (const { object, message } of definition.check([...urns.keys()], context, settings)) {
        reportViolation(message, object ? urns.get(object) : undefined);
      }
    },
  };
}

/** Every policy, declared with the enforcement the stack config gives it. */
export function packPolicies(
  context: PolicyContext,
  definitions: readonly PolicyDefinition[] = POLICIES,
): Policies {
  assertKnownPolicies(definitions, context);
  return definitions.map((definition) =>
    definition.scope === "resource"
      ? packResourcePolicy(definition, context)
      : packStackPolicy(definition, context),
  );
}
