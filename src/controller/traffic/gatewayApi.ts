/**
 * Gateway API router: the controller renders and owns the whole `HTTPRoute` (server-side apply
 * would treat `spec.rules` as one atomic list, so nobody else may write it), with weighted
 * backends on the `<agent>-blue` and `<agent>-green` Services.
 */

import { TRACKS, type Track } from "../../contract/agentRollout.ts";
import { ROLLOUT_CONTROLLER } from "../../contract/controller.ts";
import { httpRouteSpec } from "../../contract/httpRoute.ts";
import { LABEL_KEYS } from "../../contract/labels.ts";
import type { TrafficSpec } from "../../crd/agentRollout.ts";
import { type Cluster, KINDS, type KubeObject } from "../kube/cluster.ts";
import { isConflict } from "../kube/errors.ts";
import { holdsFieldsWeSet } from "../kube/fieldsWeSet.ts";
import {
  type RouteTarget,
  shares,
  type TrafficRouter,
  type TrafficSplitter,
  type Weights,
  weightsTo,
} from "./router.ts";

interface BackendRef {
  name: string;
  port?: number;
  weight?: number;
}

type HttpRoute = NonNullable<TrafficSpec["httpRoute"]>;

function routeSpec(target: RouteTarget): HttpRoute {
  const route = target.traffic.httpRoute;
  if (!route)
    throw new Error(
      `AgentRollout ${target.namespace}/${target.agent}: traffic.router gatewayAPI needs traffic.httpRoute`,
    );
  return route;
}

export function renderHttpRoute(target: RouteTarget, weights: Weights): KubeObject {
  const route = routeSpec(target);
  const { trackServices, port } = target.traffic;
  return {
    apiVersion: KINDS.httpRoute.apiVersion,
    kind: KINDS.httpRoute.kind,
    metadata: {
      name: route.name,
      namespace: target.namespace,
      labels: { [LABEL_KEYS.agent]: target.agent, [LABEL_KEYS.managedBy]: ROLLOUT_CONTROLLER },
      ownerReferences: [target.owner],
    },
    spec: httpRouteSpec({
      parentRefs: route.parentRefs.map((ref) => ({
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        ...ref,
      })),
      hostnames: route.hostnames,
      pathPrefix: route.pathPrefix,
      backends: TRACKS.map((track) => ({ name: trackServices[track], port, weight: weights[track] })),
    }),
  };
}

function weightsOf(target: RouteTarget, route: KubeObject): Weights {
  const rules = (route.spec as { rules?: Array<{ backendRefs?: BackendRef[] }> })?.rules ?? [];
  const totals: Record<Track, number> = { blue: 0, green: 0 };
  for (const ref of rules.flatMap((rule) => rule.backendRefs ?? [])) {
    if (ref.name === target.traffic.trackServices.blue) totals.blue += ref.weight ?? 1;
    if (ref.name === target.traffic.trackServices.green) totals.green += ref.weight ?? 1;
  }
  return shares(totals.blue, totals.green);
}

function routeKey(target: RouteTarget) {
  return { namespace: target.namespace, name: routeSpec(target).name };
}

export class GatewayApiRouter implements TrafficRouter, TrafficSplitter {
  readonly kind = "gatewayAPI" as const;
  readonly splitsTraffic = true as const;
  private readonly cluster: Cluster;

  constructor(cluster: Cluster) {
    this.cluster = cluster;
  }

  async reconcile(target: RouteTarget): Promise<Weights> {
    const existing = await this.cluster.get(KINDS.httpRoute, routeKey(target));
    if (!existing) {
      const weights = weightsTo(target.stableTrack, 100);
      await this.cluster.create(renderHttpRoute(target, weights));
      return weights;
    }
    const weights = weightsOf(target, existing);
    const wanted = renderHttpRoute(target, weights);
    // Only what the controller renders counts: the API server defaults backendRef group, kind
    // and weight, path match type, parentRef group and kind (see `holdsFieldsWeSet`).
    const drifted =
      !holdsFieldsWeSet(wanted.spec, existing.spec) ||
      !holdsFieldsWeSet(wanted.metadata.labels, existing.metadata.labels);
    if (drifted) {
      wanted.metadata.resourceVersion = existing.metadata.resourceVersion;
      await this.cluster.replace(wanted);
    }
    return weights;
  }

  async setWeights(target: RouteTarget, weights: Weights): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.cluster.get(KINDS.httpRoute, routeKey(target));
      const wanted = renderHttpRoute(target, weights);
      try {
        if (!existing) await this.cluster.create(wanted);
        else
          await this.cluster.replace({
            ...wanted,
            metadata: { ...wanted.metadata, resourceVersion: existing.metadata.resourceVersion },
          });
        return;
      } catch (error) {
        if (!isConflict(error) || attempt >= 3) throw error;
      }
    }
  }

  async getWeights(target: RouteTarget): Promise<Weights> {
    const route = await this.cluster.get(KINDS.httpRoute, routeKey(target));
    if (!route) throw new Error(`HTTPRoute ${target.namespace}/${routeSpec(target).name} does not exist`);
    return weightsOf(target, route);
  }
}
