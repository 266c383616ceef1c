/**
 * A fleet of N copies of a stack's first canary HTTP agent, so one sandbox carries N releases at
 * once: same steps, analysis and thresholds as the stack renders (the stack's `release` defaults
 * apply to every copy), ids `<agent>-00`…, one hostname each, and a resource pool grown to hold
 * them. Everything else (clusters, monitoring, alerting) is the stack's.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import {
  CONFIG_NAMESPACE,
  type FleetConfig,
  parseFleetConfig,
  stackFilePath,
} from "../../src/config/index.ts";

type RawAgent = Record<string, unknown> & {
  id: string;
  protocol?: string;
  strategy?: { type?: string };
  route?: { hostnames?: string[] };
};

function rawConfigOf(stack: string): Record<string, unknown> {
  const file = stackFilePath(stack, process.cwd());
  const document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(document.config ?? {})
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

export function copyId(agent: string, index: number): string {
  return `${agent}-${String(index).padStart(2, "0")}`;
}

export interface CanaryFleetOptions {
  /** @default "dev" */
  stack?: string;
  /** The copies' version instead of the template's, e.g. one with the noise marker. */
  version?: string;
}

/** `count` copies of the stack's first canary HTTP agent with a route; throws if it has none. */
export function canaryFleet(
  count: number,
  { stack = "dev", version }: CanaryFleetOptions = {},
): { fleet: FleetConfig; template: string } {
  const raw = rawConfigOf(stack);
  const agents = (raw.agents ?? []) as RawAgent[];
  const template = agents.find(
    (agent) => agent.strategy?.type === "canary" && (agent.protocol ?? "http") === "http" && agent.route,
  );
  if (!template) throw new Error(`stack ${stack} has no canary HTTP agent with a route`);
  const copies = Array.from({ length: count }, (_, index) => {
    const id = copyId(template.id, index);
    const hostnames = [`${id}.bench.agent-fleet.internal`];
    return { ...structuredClone(template), id, ...(version ? { version } : {}), route: { hostnames } };
  });
  // Room for every copy at any size (the capacity check is not what runs here).
  const pool = { cpu: `${1000 * count}`, memory: `${1000 * count}Gi`, storage: `${100 * count}Ti`, gpu: 0 };
  const fleet = parseFleetConfig(
    { ...raw, agents: copies, resourcePool: pool },
    { source: `${stack} ×${count}` },
  );
  return { fleet, template: template.id };
}
