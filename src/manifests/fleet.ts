/**
 * The whole stack as plain objects: the one source the Pulumi components, the offline render,
 * the policy checks and the sandbox all read.
 */
import type { FleetConfig } from "../config/index.ts";
import { buildNamespace } from "./namespace.ts";
import { type RenderedFleet, sortObjects } from "./types.ts";

export function renderFleet(fleet: FleetConfig): RenderedFleet {
  const objects = fleet.clusters.map((cluster) => buildNamespace(cluster, fleet));
  return { objects: sortObjects(objects) };
}
