/** A readable plain-text summary of what a stack would deploy. */
import type { FleetConfig } from "../config/index.ts";
import type { RenderedFleet } from "../manifests/types.ts";
import { table } from "../text/table.ts";

function shortVersion(version: string): string {
  return version.startsWith("sha256:") ? `${version.slice(0, 19)}…` : version;
}

export function summarizeFleet(fleet: FleetConfig, rendered: RenderedFleet): string {
  const agents = table(
    ["AGENT", "CLUSTER", "VERSION", "STRATEGY", "REPLICAS", "CPU/MEM/GPU LIMITS", "EXPOSURE", "TAGS"],
    fleet.agents.map((agent) => [
      agent.id,
      agent.cluster,
      shortVersion(agent.version),
      agent.strategy.type,
      `${agent.replicas.min}-${agent.replicas.max}`,
      `${agent.resources.limits.cpu}/${agent.resources.limits.memory}/${agent.resources.limits.gpu}`,
      `${agent.protocol}${agent.externalAccess ? " external" : ""}`,
      agent.complianceTags.join(",") || "-",
    ]),
  );
  const kinds = new Map<string, number>();
  for (const object of rendered.objects) kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
  const kindLine = [...kinds]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ×${count}`)
    .join(", ");
  return [
    `environment ${fleet.environment} · ${fleet.clusters.length} agent cluster(s) · ${fleet.agents.length} agent(s) · policies ${fleet.policy.enforcement}`,
    "",
    agents,
    "",
    `objects: ${kindLine}`,
  ].join("\n");
}
