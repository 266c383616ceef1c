/**
 * Two agents claiming one hostname and path prefix on one Gateway. The Gateway API resolves such a
 * conflict by route age, so one agent would silently get the other's traffic (or none). Distinct
 * prefixes on one hostname are fine: the longest prefix wins.
 */
import type { ConfigProblem } from "../problems.ts";
import type { FleetConfig } from "../resolve.ts";

/** PathPrefix matches path element by element, so a trailing `/` names the same prefix. */
function normalPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

interface Claim {
  index: number;
  gateway: string;
}

export function gatewayRouteClaims(fleet: FleetConfig): ConfigProblem[] {
  const claims = new Map<string, Claim>();
  const problems: ConfigProblem[] = [];
  fleet.agents.forEach((agent, index) => {
    const gateway = fleet.clusters.find((cluster) => cluster.name === agent.cluster)?.gateway;
    // Routes without a Gateway, or on non-HTTP agents, are already rejected by the route rules.
    if (!agent.route || !gateway || agent.protocol !== "http") return;
    const gatewayName = `${gateway.namespace}/${gateway.name}`;
    const prefix = agent.route.pathPrefix;
    agent.route.hostnames.forEach((hostname, hostIndex) => {
      const key = `${gatewayName} ${hostname} ${normalPrefix(prefix)}`;
      const claim = claims.get(key);
      if (!claim) {
        claims.set(key, { index, gateway: gatewayName });
        return;
      }
      if (claim.index === index) return;
      const owner = fleet.agents[claim.index]?.id;
      problems.push({
        path: ["agents", index, "route", "hostnames", hostIndex],
        message:
          `"${hostname}" with path prefix "${prefix}" is already claimed by agents[${claim.index}] ("${owner}") ` +
          `on Gateway ${gatewayName}: the Gateway would send that traffic to only one of "${owner}" and ` +
          `"${agent.id}"; use another hostname or a distinct route.pathPrefix`,
      });
    });
  });
  return problems;
}
