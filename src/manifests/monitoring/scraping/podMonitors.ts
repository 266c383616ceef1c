/**
 * Scrape configuration as prometheus-operator `PodMonitor`s. Agents get PodMonitors rather than
 * ServiceMonitors: each agent pod sits behind up to three Services (`<agent>`, `<agent>-<track>`,
 * `<agent>-preview`), and a ServiceMonitor would scrape it once per Service, double-counting every
 * `sum()`. The controller is found by its pod label and container port, which needs no Service.
 */

import type { IPodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import type { FleetConfig } from "../../../config/index.ts";
import { CONTROLLER } from "../../../contract/controller.ts";
import { fleetLabels, PART_OF } from "../../../contract/labels.ts";
import { AGENT_METRICS_PORT } from "../../../contract/ports.ts";
import type { KubeObject } from "../../types.ts";

/** Pod labels copied onto every agent series: the contract's `agent`/`track`, plus routing/version. */
export const AGENT_POD_TARGET_LABELS = ["agent", "track", "version", "environment"];

type PodMonitorObject = IPodMonitor & KubeObject;

function metadata(fleet: FleetConfig, name: string, namespace: string) {
  return { name, namespace, labels: { ...fleetLabels("monitoring"), ...fleet.monitoring.selectorLabels } };
}

/** One PodMonitor per agent cluster: label-based, the same object for 3 agents or 300. */
export function buildAgentPodMonitor(fleet: FleetConfig, namespace: string): PodMonitorObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: metadata(fleet, "agent-fleet-agents", namespace),
    spec: {
      jobLabel: "app.kubernetes.io/name",
      podTargetLabels: AGENT_POD_TARGET_LABELS,
      selector: {
        matchLabels: { "app.kubernetes.io/part-of": PART_OF },
        matchExpressions: [{ key: "agent", operator: "Exists" }],
      },
      podMetricsEndpoints: [
        {
          port: AGENT_METRICS_PORT.name,
          path: AGENT_METRICS_PORT.path,
          interval: fleet.monitoring.scrapeInterval,
        },
      ],
    },
  };
}

export function buildControllerPodMonitor(fleet: FleetConfig): PodMonitorObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: metadata(fleet, CONTROLLER.name, CONTROLLER.namespace),
    spec: {
      jobLabel: "app.kubernetes.io/name",
      selector: { matchLabels: { ...CONTROLLER.podLabel } },
      podMetricsEndpoints: [
        {
          port: CONTROLLER.port,
          path: "/metrics",
          interval: fleet.monitoring.scrapeInterval,
          // The controller labels rollout series with the rollout's own `namespace`: keep it.
          honorLabels: true,
        },
      ],
    },
  };
}

export function buildPodMonitors(fleet: FleetConfig): KubeObject[] {
  return [
    ...fleet.clusters.map((cluster) => buildAgentPodMonitor(fleet, cluster.name)),
    buildControllerPodMonitor(fleet),
  ];
}
