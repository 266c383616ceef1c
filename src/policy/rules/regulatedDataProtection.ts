/**
 * Agents tagged with a regulated compliance tag (hipaa, gdpr) keep data on the cluster's encrypted
 * storage class and are never reachable from outside the cluster.
 */
import { REGULATED_TAGS } from "../../config/index.ts";
import { COMPLIANCE_LABEL_PREFIX } from "../../contract/labels.ts";
import type { KubeObject } from "../../manifests/types.ts";
import { asArray, field, podLabelsOf, podTemplateOf, type VolumeView } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { type PolicyContext, resourcePolicy } from "../types.ts";

function regulatedTagsOf(object: KubeObject, regulated: readonly string[]): string[] {
  const labels = podLabelsOf(object);
  return regulated.filter((tag) => labels[`${COMPLIANCE_LABEL_PREFIX}${tag}`] === "true");
}

function storageProblems(object: KubeObject, context: PolicyContext): string[] {
  const namespace = object.metadata.namespace ?? "default";
  const encrypted = context.encryptedStorageClasses[namespace];
  const claims: Array<{ what: string; storageClass: unknown }> =
    object.kind === "PersistentVolumeClaim"
      ? [{ what: "claim", storageClass: field(object.spec, "storageClassName") }]
      : asArray<VolumeView>(podTemplateOf(object)?.spec?.volumes)
          .filter((volume) => volume.ephemeral?.volumeClaimTemplate)
          .map((volume) => ({
            what: `volume "${volume.name}"`,
            storageClass: volume.ephemeral?.volumeClaimTemplate?.spec?.storageClassName,
          }));
  return claims.flatMap(({ what, storageClass }) => {
    if (encrypted === undefined) {
      return [
        `${what}: namespace ${namespace} declares no encrypted storage class (clusters[].encryptedStorageClass)`,
      ];
    }
    if (storageClass === encrypted) return [];
    return [
      `${what} uses storage class ${String(storageClass ?? "(cluster default)")}, not the encrypted class ${encrypted}: regulated data must be encrypted at rest`,
    ];
  });
}

function exposureProblems(object: KubeObject, context: PolicyContext): string[] {
  const type = object.kind === "Service" ? field(object.spec, "type") : undefined;
  const messages =
    type === "LoadBalancer" || type === "NodePort"
      ? [`Service type ${type} makes a regulated agent reachable from outside the cluster: use ClusterIP`]
      : [];
  const agent = podLabelsOf(object).agent;
  const isWorkload = podTemplateOf(object) !== undefined;
  if (
    isWorkload &&
    agent &&
    context.externalAgents.includes(`${object.metadata.namespace ?? "default"}/${agent}`)
  ) {
    messages.push(
      `agent ${agent} declares externalAccess: regulated agents must not be exposed; remove externalAccess`,
    );
  }
  return messages;
}

export const regulatedDataProtection = resourcePolicy({
  name: "regulated-data-protection",
  description:
    "Agents with a regulated compliance tag (hipaa, gdpr) store data only on their cluster's encrypted " +
    "storage class and have no external access (no LoadBalancer/NodePort Service, no externalAccess). " +
    "Fix: keep the tag and remove externalAccess; set clusters[].encryptedStorageClass to an encrypted class.",
  scope: "resource",
  settings: {
    regulatedTags: stringListSetting(
      [...REGULATED_TAGS],
      "Compliance tags whose agents handle regulated data.",
    ),
  },
  check(object, context, settings) {
    const tags = regulatedTagsOf(object, settings.regulatedTags);
    if (tags.length === 0) return [];
    const prefix = `${tags.join("/")}-tagged`;
    return [...storageProblems(object, context), ...exposureProblems(object, context)].map(
      (message) => `${prefix}: ${message}`,
    );
  },
});
