/**
 * Ports and paths the agents and the controller serve on (REQUIREMENTS.md §1): the manifests
 * declare them, probes and scrapes use them, the sandbox's agent processes listen on them.
 */

/** HTTP agents serve records, health and metrics on 8080; gRPC agents stream records on 8081. */
export const HTTP_PORT = 8080;
export const GRPC_PORT = 8081;
export const ADMIN_PORT = 8082;

/** The three named ports every agent exposes. */
export const AGENT_PORTS = [
  { name: "http-metrics", containerPort: HTTP_PORT, protocol: "TCP" },
  { name: "grpc-data", containerPort: GRPC_PORT, protocol: "TCP" },
  { name: "http-admin", containerPort: ADMIN_PORT, protocol: "TCP" },
] as const;

/** Agents' metrics port name and path. */
export const AGENT_METRICS_PORT = { name: AGENT_PORTS[0].name, path: "/metrics" } as const;

/** Agents' health endpoints, on the HTTP port. */
export const HEALTH_PATHS = { liveness: "/health/liveness", readiness: "/health/readiness" } as const;

/** The controller's metrics and health endpoints (its `OPS_PORT`). */
export const CONTROLLER_OPS_PORT = 8080;
