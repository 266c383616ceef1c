/**
 * What a sandbox pod needs from a Deployment's pod template: identity labels, the image version
 * (which drives the sample agent's fault injection), and plain `value` env vars.
 */
import type { KubeObject } from "../../controller/kube/cluster.ts";
import { revisionOf } from "../../controller/rollout/revision.ts";

export interface PodSpecSummary {
  namespace: string;
  deployment: string;
  agent: string;
  track: string;
  version: string;
  env: Record<string, string>;
  /** Changes whenever the template does: pods of an older template are replaced. */
  templateHash: string;
}

interface TemplateShape {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: Array<{ image?: string; env?: Array<{ name: string; value?: string }> }> };
}

/** `repo:tag` → `tag`; `repo@sha256:…` → `sha256-<12 hex>` (as the `version` label spells it). */
export function versionOfImage(image: string): string {
  const at = image.indexOf("@");
  if (at !== -1) return `sha256-${image.slice(at + 8, at + 20)}`;
  const colon = image.lastIndexOf(":");
  return colon > image.lastIndexOf("/") ? image.slice(colon + 1) : "latest";
}

export function desiredReplicas(deployment: KubeObject): number {
  const replicas = (deployment.spec as { replicas?: number } | undefined)?.replicas;
  return replicas ?? 1;
}

export function podSpecOf(deployment: KubeObject): PodSpecSummary {
  const template = ((deployment.spec as { template?: TemplateShape } | undefined)?.template ??
    {}) as TemplateShape;
  const labels = template.metadata?.labels ?? {};
  const container = template.spec?.containers?.[0] ?? {};
  const env = Object.fromEntries(
    (container.env ?? []).flatMap((entry) => (entry.value === undefined ? [] : [[entry.name, entry.value]])),
  );
  return {
    namespace: deployment.metadata.namespace ?? "default",
    deployment: deployment.metadata.name,
    agent: labels.agent ?? deployment.metadata.name,
    track: labels.track ?? "stable",
    version: versionOfImage(container.image ?? "agent:latest"),
    env,
    templateHash: revisionOf(template),
  };
}
