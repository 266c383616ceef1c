/** Liveness and readiness probes on every long-running container. */

import { HEALTH_PATHS, HTTP_PORT } from "../../contract/ports.ts";
import { containersOf, podTemplateOf } from "../objects.ts";
import { resourcePolicy } from "../types.ts";

const HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"];

function hasHandler(probe: Record<string, unknown> | undefined): boolean {
  return probe !== undefined && HANDLERS.some((handler) => probe[handler] !== undefined);
}

export const healthProbes = resourcePolicy({
  name: "health-probes",
  description:
    "Every container has a liveness and a readiness probe, so Kubernetes restarts hung agents and routes " +
    "traffic only to ready ones (canary analysis depends on it). Fix: add livenessProbe and readinessProbe " +
    `(agents serve GET ${HEALTH_PATHS.liveness} and ${HEALTH_PATHS.readiness} on port ${HTTP_PORT}).`,
  scope: "resource",
  settings: {},
  check(object) {
    return containersOf(podTemplateOf(object)?.spec)
      .filter(({ init }) => !init)
      .flatMap(({ container, label }) => [
        ...(hasHandler(container.livenessProbe) ? [] : [`${label} has no liveness probe: add livenessProbe`]),
        ...(hasHandler(container.readinessProbe)
          ? []
          : [`${label} has no readiness probe: add readinessProbe`]),
      ]);
  },
});
