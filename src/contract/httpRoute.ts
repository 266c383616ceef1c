/**
 * The one shape of an agent's HTTPRoute: one rule, a path-prefix match, backends on the agent's
 * Services. Pulumi renders it for rolling agents (one backend); the rollout controller renders and
 * owns it for released agents (weighted backends on the two track Services).
 */
export const HTTP_ROUTE = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" } as const;

export interface HttpRouteBackend {
  name: string;
  port: number;
  weight?: number;
}

export interface HttpRouteShape {
  parentRefs: ReadonlyArray<Record<string, unknown>>;
  hostnames: readonly string[];
  pathPrefix: string;
  backends: readonly HttpRouteBackend[];
}

export function httpRouteSpec(route: HttpRouteShape) {
  return {
    parentRefs: [...route.parentRefs],
    hostnames: [...route.hostnames],
    rules: [
      {
        matches: [{ path: { type: "PathPrefix", value: route.pathPrefix } }],
        backendRefs: route.backends.map((backend) => ({ ...backend })),
      },
    ],
  };
}
