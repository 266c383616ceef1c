import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { describe, expect, it } from "vitest";
import { agentLabels } from "../../src/contract/labels.ts";
import { AGENT_PORTS } from "../../src/contract/ports.ts";
import { buildPodMonitors } from "../../src/manifests/monitoring/scraping/podMonitors.ts";
import { stackFleet } from "./support/fleets.ts";

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string }>;
}

function selects(selector: Selector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) =>
    expression.operator === "Exists" ? expression.key in labels : false,
  );
  return byLabels && byExpressions;
}

describe("PodMonitors", () => {
  const fleet = stackFleet("prod");
  const monitors = buildPodMonitors(fleet);
  const spec = (index: number) =>
    monitors[index]?.spec as {
      selector: Selector;
      podTargetLabels?: string[];
      podMetricsEndpoints: Array<{ port: string; path: string; honorLabels?: boolean; interval?: string }>;
    };

  it("one per agent cluster plus the controller's, whatever the number of agents", () => {
    expect(monitors.map((monitor) => `${monitor.metadata.namespace}/${monitor.metadata.name}`)).toEqual([
      "data-processing/agent-fleet-agents",
      "ml-inference/agent-fleet-agents",
      "agent-fleet-system/agent-fleet-controller",
    ]);
  });

  it("carry the labels the cluster's Prometheus selects monitors by", () => {
    for (const monitor of monitors)
      expect(monitor.metadata.labels).toMatchObject(fleet.monitoring.selectorLabels);
  });

  it("select every agent pod (by its real labels) on the http-metrics port, and copy agent/track/environment", () => {
    const agentMonitor = spec(0);
    for (const agent of fleet.agents) {
      expect(selects(agentMonitor.selector, { ...agentLabels(agent), track: "blue" }), agent.id).toBe(true);
    }
    expect(AGENT_PORTS.map((port) => port.name)).toContain(agentMonitor.podMetricsEndpoints[0]?.port);
    expect(agentMonitor.podMetricsEndpoints[0]).toMatchObject({
      path: "/metrics",
      interval: fleet.monitoring.scrapeInterval,
    });
    expect(agentMonitor.podTargetLabels).toEqual(
      expect.arrayContaining(["agent", "track", "environment", "version"]),
    );
  });

  it("scrape the controller on its `metrics` port, keeping the rollout's own namespace label", () => {
    const controller = spec(2);
    expect(selects(controller.selector, { "app.kubernetes.io/name": "agent-fleet-controller" })).toBe(true);
    expect(selects(controller.selector, { "app.kubernetes.io/name": "ingest" })).toBe(false);
    expect(controller.podMetricsEndpoints[0]).toMatchObject({ port: "metrics", honorLabels: true });
  });

  it("validate against the prometheus-operator schema", () => {
    for (const monitor of monitors) expect(() => new PodMonitor(monitor as never).validate()).not.toThrow();
  });
});
