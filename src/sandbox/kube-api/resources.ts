/**
 * The resource types the sandbox API serves: exactly the kinds the rollout controller, its CLI and
 * its tests touch. Each entry carries what discovery reports, which subresources exist and the
 * defaults kube-apiserver applies.
 */

import { AGENT_ROLLOUT } from "../../contract/agentRollout.ts";
import { defaultDeployment, defaultHttpRoute, defaultService } from "./defaults.ts";
import type { StoredObject } from "./objects.ts";

export interface ScaleSubresource {
  /** Dotted path of the desired count, e.g. `.spec.replicas`. */
  specReplicasPath: string;
  statusReplicasPath: string;
  /** Dotted path of the label selector string; absent: derived from `spec.selector.matchLabels`. */
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Writes to the main resource ignore `status`; `/status` writes touch only `status`. */
  statusSubresource: boolean;
  scale?: ScaleSubresource;
  shortNames?: string[];
  /** Server-side defaults, applied to every write of the main resource before it is stored. */
  defaults?: (object: StoredObject, previous?: StoredObject) => void;
}

export const SANDBOX_RESOURCES: readonly ResourceType[] = [
  {
    group: "",
    version: "v1",
    kind: "Service",
    plural: "services",
    singular: "service",
    namespaced: true,
    statusSubresource: true,
    shortNames: ["svc"],
    defaults: defaultService,
  },
  {
    group: "",
    version: "v1",
    kind: "Event",
    plural: "events",
    singular: "event",
    namespaced: true,
    statusSubresource: false,
    shortNames: ["ev"],
  },
  {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    plural: "deployments",
    singular: "deployment",
    namespaced: true,
    statusSubresource: true,
    scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
    shortNames: ["deploy"],
    defaults: defaultDeployment,
  },
  {
    group: AGENT_ROLLOUT.group,
    version: AGENT_ROLLOUT.version,
    kind: AGENT_ROLLOUT.kind,
    plural: AGENT_ROLLOUT.plural,
    singular: AGENT_ROLLOUT.singular,
    namespaced: true,
    statusSubresource: true,
    scale: {
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.replicas",
      labelSelectorPath: ".status.selector",
    },
    shortNames: [...AGENT_ROLLOUT.shortNames],
  },
  {
    group: "gateway.networking.k8s.io",
    version: "v1",
    kind: "HTTPRoute",
    plural: "httproutes",
    singular: "httproute",
    namespaced: true,
    statusSubresource: true,
    defaults: defaultHttpRoute,
  },
  {
    group: "coordination.k8s.io",
    version: "v1",
    kind: "Lease",
    plural: "leases",
    singular: "lease",
    namespaced: true,
    statusSubresource: false,
  },
];

export function groupVersion(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function typeKey(type: ResourceType): string {
  return `${groupVersion(type)}/${type.plural}`;
}

const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

/** `APIResourceList` for one group/version, as `GET /api/v1` or `GET /apis/<group>/<version>` returns. */
export function discoveryDocument(
  types: readonly ResourceType[],
  gv: string,
): Record<string, unknown> | undefined {
  const matching = types.filter((type) => groupVersion(type) === gv);
  if (matching.length === 0) return undefined;
  const resources = matching.flatMap((type) => {
    const main = {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: VERBS,
      shortNames: type.shortNames,
    };
    const status = type.statusSubresource
      ? [
          {
            name: `${type.plural}/status`,
            singularName: "",
            namespaced: type.namespaced,
            kind: type.kind,
            verbs: ["get", "patch", "update"],
          },
        ]
      : [];
    const scale = type.scale
      ? [
          {
            name: `${type.plural}/scale`,
            singularName: "",
            namespaced: type.namespaced,
            group: "autoscaling",
            version: "v1",
            kind: "Scale",
            verbs: ["get", "patch", "update"],
          },
        ]
      : [];
    return [main, ...status, ...scale];
  });
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources };
}

export function apiGroupList(types: readonly ResourceType[]): Record<string, unknown> {
  const groups = new Map<string, Set<string>>();
  for (const type of types) {
    if (!type.group) continue;
    const versions = groups.get(type.group) ?? new Set<string>();
    versions.add(type.version);
    groups.set(type.group, versions);
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups].map(([name, versions]) => {
      const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    }),
  };
}

/** How kube-apiserver names a resource in messages: `services`, `deployments.apps`, `agentrollouts.agentfleet.dev`. */
export function qualifiedResource(type: { plural: string; group: string }): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}
