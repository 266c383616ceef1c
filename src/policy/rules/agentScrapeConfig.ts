/** Every agent is scraped: a prometheus-operator PodMonitor or ServiceMonitor selects it on a metrics port. */
import type { KubeObject } from "../../manifests/types.ts";
import {
  type AgentWorkload,
  agentWorkloads,
  asArray,
  field,
  type LabelSelector,
  selectorMatches,
} from "../objects.ts";
import { stackPolicy } from "../types.ts";

/** Namespaces a monitor looks in: `namespaceSelector.any`, `matchNames`, or its own namespace. */
function watches(monitor: KubeObject, namespace: string): boolean {
  const selector = field(monitor.spec, "namespaceSelector");
  if (field(selector, "any") === true) return true;
  const names = asArray<string>(field(selector, "matchNames"));
  return names.length > 0 ? names.includes(namespace) : monitor.metadata.namespace === namespace;
}

function portMatches(
  endpointPort: unknown,
  ports: Array<{ name?: string; port?: number; containerPort?: number }>,
) {
  return ports.some(
    (port) => port.name === endpointPort || port.containerPort === endpointPort || port.port === endpointPort,
  );
}

function podMonitorScrapes(monitor: KubeObject, agent: AgentWorkload): boolean {
  if (!selectorMatches(field(monitor.spec, "selector") as LabelSelector | undefined, agent.podLabels))
    return false;
  return asArray(field(monitor.spec, "podMetricsEndpoints")).some((endpoint) =>
    portMatches(field(endpoint, "port") ?? field(endpoint, "portNumber"), agent.containerPorts),
  );
}

function serviceSelector(service: KubeObject): Record<string, string> | undefined {
  return field(service.spec, "selector") as Record<string, string> | undefined;
}

/**
 * Services of each agent: same namespace, selector satisfied by the agent's pod labels. Indexed by
 * the `agent` key most selectors carry, so large fleets stay linear.
 */
function servicesByAgent(objects: readonly KubeObject[]): (agent: AgentWorkload) => KubeObject[] {
  const byAgent = new Map<string, KubeObject[]>();
  const unkeyed: KubeObject[] = [];
  for (const service of objects.filter((object) => object.kind === "Service" && serviceSelector(object))) {
    const agent = serviceSelector(service)?.agent;
    if (agent === undefined) unkeyed.push(service);
    else {
      const key = `${service.metadata.namespace}/${agent}`;
      byAgent.set(key, [...(byAgent.get(key) ?? []), service]);
    }
  }
  return (agent) =>
    [...(byAgent.get(`${agent.namespace}/${agent.id}`) ?? []), ...unkeyed].filter(
      (service) =>
        service.metadata.namespace === agent.namespace &&
        selectorMatches({ matchLabels: serviceSelector(service) }, agent.podLabels),
    );
}

function serviceMonitorScrapes(monitor: KubeObject, services: KubeObject[]): boolean {
  const selector = field(monitor.spec, "selector") as LabelSelector | undefined;
  return services.some(
    (service) =>
      selectorMatches(selector, service.metadata.labels ?? {}) &&
      asArray(field(monitor.spec, "endpoints")).some((endpoint) =>
        portMatches(
          field(endpoint, "port") ?? field(endpoint, "targetPort"),
          asArray(field(service.spec, "ports")),
        ),
      ),
  );
}

export const agentScrapeConfig = stackPolicy({
  name: "agent-scrape-config",
  description:
    "Every agent is scraped by Prometheus: a PodMonitor selects its pods, or a ServiceMonitor selects one of " +
    "its Services, on a port the agent exposes (http-metrics). Fix: keep the fleet's agent PodMonitor in the " +
    "agent's namespace, or add a ServiceMonitor/PodMonitor whose selector and port match the agent.",
  scope: "stack",
  settings: {},
  check(objects) {
    const monitors = objects.filter(
      (object) => object.kind === "PodMonitor" || object.kind === "ServiceMonitor",
    );
    const servicesOf = servicesByAgent(objects);
    return agentWorkloads(objects).flatMap((agent) => {
      const services = servicesOf(agent);
      const scraped = monitors.some(
        (monitor) =>
          watches(monitor, agent.namespace) &&
          (monitor.kind === "PodMonitor"
            ? podMonitorScrapes(monitor, agent)
            : serviceMonitorScrapes(monitor, services)),
      );
      if (scraped) return [];
      return [
        {
          object: agent.workload,
          message: `agent ${agent.id} is not scraped: no PodMonitor or ServiceMonitor selects it on a metrics port; add one`,
        },
      ];
    });
  },
});
