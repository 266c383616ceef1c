/**
 * Applies the defaults that depend on other settings (an agent inherits the fleet environment,
 * release defaults and alert thresholds), so builders read one fully resolved value per field.
 */

import type { Duration } from "./quantity.ts";
import type {
  AgentSpec,
  Analysis,
  CanaryStep,
  EnforcementLevel,
  ParsedFleetConfig,
  RbacGroups,
} from "./schema.ts";

export type ResolvedStrategy =
  | { type: "rolling" }
  | { type: "canary"; steps: CanaryStep[]; analysis: Analysis }
  | { type: "blueGreen"; scaleDownDelay: Duration; autoPromote: boolean; analysis: Analysis };

export function resolveFleet(parsed: ParsedFleetConfig) {
  const clusters = parsed.clusters.map((cluster) => ({
    ...cluster,
    rbac: cluster.rbac ?? parsed.rbac,
  }));
  const agents = parsed.agents.map((agent) => resolveAgent(agent, parsed));
  const enforcement: EnforcementLevel =
    parsed.policy.enforcement ?? (parsed.environment === "prod" ? "mandatory" : "advisory");
  return { ...parsed, clusters, agents, policy: { ...parsed.policy, enforcement } };
}

function resolveAgent(agent: AgentSpec, fleet: ParsedFleetConfig) {
  return {
    ...agent,
    environment: agent.environment ?? fleet.environment,
    strategy: resolveStrategy(agent.strategy, fleet),
    alertThresholds: { ...fleet.monitoring.thresholds, ...agent.alertThresholds },
    slo: { ...fleet.monitoring.slo, ...agent.slo },
  };
}

function resolveStrategy(strategy: AgentSpec["strategy"], fleet: ParsedFleetConfig): ResolvedStrategy {
  switch (strategy.type) {
    case "rolling":
      return { type: "rolling" };
    case "canary":
      return {
        type: "canary",
        steps: strategy.steps ?? fleet.release.canarySteps,
        analysis: { ...fleet.release.analysis, ...strategy.analysis },
      };
    case "blueGreen":
      return {
        type: "blueGreen",
        scaleDownDelay: strategy.scaleDownDelay ?? fleet.release.scaleDownDelay,
        autoPromote: strategy.autoPromote,
        analysis: { ...fleet.release.analysis, ...strategy.analysis },
      };
  }
}

/** The validated fleet with every derived default applied: what builders and components consume. */
export type FleetConfig = ReturnType<typeof resolveFleet>;
export type Agent = FleetConfig["agents"][number];
export type Cluster = FleetConfig["clusters"][number] & { rbac: RbacGroups };

/** Released agents (blue-green, canary) run on two tracks the rollout controller drives. */
export function isReleased(agent: Pick<Agent, "strategy">): boolean {
  return agent.strategy.type !== "rolling";
}
