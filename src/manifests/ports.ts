/** The three named ports every agent exposes (REQUIREMENTS §1). */
export const AGENT_PORTS = [
  { name: "http-metrics", containerPort: 8080, protocol: "TCP" },
  { name: "grpc-data", containerPort: 8081, protocol: "TCP" },
  { name: "http-admin", containerPort: 8082, protocol: "TCP" },
] as const;

/** HTTP agents serve records, health and metrics on 8080; gRPC agents stream records on 8081. */
export const HTTP_PORT = 8080;
export const GRPC_PORT = 8081;
export const ADMIN_PORT = 8082;
