/** Router registry: one factory per kind, chosen by the AgentRollout's `traffic.router`. */
import type { TrafficSpec } from "../../crd/agentRollout.ts";
import type { Cluster } from "../kube/cluster.ts";
import { GatewayApiRouter } from "./gatewayApi.ts";
import { HaproxyRouter } from "./haproxy/router.ts";
import { ReplicaRatioRouter } from "./replicaRatio.ts";
import type { RouterKind, TrafficRouter } from "./router.ts";
import { ServiceSelectorRouter } from "./serviceSelector.ts";

export interface RouterDependencies {
  cluster: Cluster;
  /** HAProxy runtime API address (`host:port` or socket path), for the `haproxy` router. */
  haproxyAddress?: string;
}

export const ROUTER_FACTORIES: Record<RouterKind, (deps: RouterDependencies) => TrafficRouter> = {
  gatewayAPI: (deps) => new GatewayApiRouter(deps.cluster),
  serviceSelector: (deps) => new ServiceSelectorRouter(deps.cluster),
  replicaRatio: (deps) => new ReplicaRatioRouter(deps.cluster),
  haproxy: (deps) => {
    if (!deps.haproxyAddress)
      throw new Error(
        "the haproxy router needs the HAProxy runtime API address: set HAPROXY_ADDRESS (host:port or socket path)",
      );
    return new HaproxyRouter(deps.haproxyAddress);
  },
};

/**
 * Routers by the kind an AgentRollout asks for. `overrides` swaps one kind for another for the
 * whole controller: the local sandbox has no Gateway API, so it serves `gatewayAPI` with HAProxy.
 */
export class RouterRegistry {
  private readonly routers = new Map<RouterKind, TrafficRouter>();
  private readonly deps: RouterDependencies;
  private readonly overrides: Partial<Record<TrafficSpec["router"], RouterKind>>;

  constructor(deps: RouterDependencies, overrides: Partial<Record<TrafficSpec["router"], RouterKind>> = {}) {
    this.deps = deps;
    this.overrides = overrides;
  }

  forSpec(kind: TrafficSpec["router"]): TrafficRouter {
    const chosen = this.overrides[kind] ?? kind;
    let router = this.routers.get(chosen);
    if (!router) {
      router = ROUTER_FACTORIES[chosen](this.deps);
      this.routers.set(chosen, router);
    }
    return router;
  }
}
