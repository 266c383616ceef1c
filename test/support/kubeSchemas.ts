/**
 * Validates rendered objects against real schemas: `kubernetes-models` for built-in kinds,
 * `@kubernetes-models/*` for Gateway API and prometheus-operator kinds, and the AgentRollout
 * CRD's own generated OpenAPI schema (through ajv) for AgentRollouts. Unknown kinds are errors,
 * so a new kind cannot slip through unvalidated.
 */
import { Ajv } from "ajv";
import { buildAgentRolloutCrd } from "../../src/manifests/agentRolloutCrd.ts";
import type { KubeObject } from "../../src/manifests/types.ts";

interface ValidatableModel {
  validate(): void;
}
type ModelClass = new (data: unknown) => ValidatableModel;

/** Module path of the model class for an apiVersion. */
function modulePath(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "gateway.networking.k8s.io") return `@kubernetes-models/gateway-api/${apiVersion}/${kind}`;
  if (group === "monitoring.coreos.com")
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group === "apps" || group === "policy" || group === "autoscaling" || group?.endsWith(".k8s.io")) {
    return `kubernetes-models/${apiVersion}/${kind}`;
  }
  return undefined;
}

const models = new Map<string, ModelClass>();

async function modelFor(object: KubeObject): Promise<ModelClass> {
  const key = `${object.apiVersion}/${object.kind}`;
  const cached = models.get(key);
  if (cached) return cached;
  const path = modulePath(object.apiVersion, object.kind);
  if (!path) throw new Error(`no schema known for ${key}`);
  const module = (await import(path)) as Record<string, ModelClass>;
  const model = module[object.kind];
  if (!model) throw new Error(`${path} does not export ${object.kind}`);
  models.set(key, model);
  return model;
}

/**
 * `@kubernetes-models/prometheus-operator` models the embedded `volumeClaimTemplate` as a
 * top-level kind and requires `apiVersion`/`kind` on it; the real CRD (and the operator, which
 * ignores both) does not. Only that requirement is waived.
 */
const GENERATOR_QUIRKS = [/\/volumeClaimTemplate must have required property (apiVersion|kind)$/];

function withoutGeneratorQuirks(message: string): string {
  return message
    .split(/, (?=data\/)/)
    .filter((error) => !GENERATOR_QUIRKS.some((quirk) => quirk.test(error)))
    .join(", ");
}

const ajv = new Ajv({ strict: false, allErrors: true });
const crd = buildAgentRolloutCrd() as unknown as {
  spec: { versions: Array<{ schema: { openAPIV3Schema: object } }> };
};
const validateAgentRollout = ajv.compile(crd.spec.versions[0]?.schema.openAPIV3Schema ?? {});

/** Returns a readable error per invalid object (empty when all are valid). */
export async function schemaErrors(objects: KubeObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const object of objects) {
    const name = `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    try {
      if (object.apiVersion.startsWith("agentfleet.dev/")) {
        if (!validateAgentRollout(object))
          errors.push(`${name}: ${ajv.errorsText(validateAgentRollout.errors)}`);
        continue;
      }
      const Model = await modelFor(object);
      new Model(object).validate();
    } catch (error) {
      const message = withoutGeneratorQuirks((error as Error).message);
      if (message !== "") errors.push(`${name}: ${message}`);
    }
  }
  return errors;
}
