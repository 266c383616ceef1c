/**
 * prometheus-adapter rules that serve the agents' custom per-pod metrics to the HPA on
 * custom.metrics.k8s.io, and the schedule floors on external.metrics.k8s.io. Chosen over KEDA because KEDA creates its own HPA per target: alongside
 * ours (CPU/memory) two autoscalers would fight over one replica count. The adapter lets one
 * Pulumi-owned HPA combine resource and custom metrics. Point the adapter's `--config` at this
 * ConfigMap (kube-prometheus-stack's prometheus-adapter chart: `rules.existing`).
 */
import { stringify } from "yaml";
import type { FleetConfig } from "../../config/index.ts";
import { fleetLabels } from "../../contract/labels.ts";
import { AGENT_METRICS, bucketsOf } from "../../contract/metrics.ts";
import type { KubeObject } from "../types.ts";
import { CUSTOM_METRICS } from "./hpa.ts";
import { SCHEDULE_METRIC, SCHEDULE_SERIES } from "./schedules.ts";

const RESOURCES = { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } };
const FLEET_SERIES = 'namespace!="",pod!="",agent!=""';

export function adapterRules() {
  return {
    rules: [
      {
        seriesQuery: `${AGENT_METRICS.processed}{${FLEET_SERIES}}`,
        resources: RESOURCES,
        name: { matches: `^${AGENT_METRICS.processed}$`, as: CUSTOM_METRICS.throughput },
        metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)",
      },
      {
        seriesQuery: `${AGENT_METRICS.inputQueue}{${FLEET_SERIES}}`,
        resources: RESOURCES,
        name: { matches: `^${AGENT_METRICS.inputQueue}$`, as: CUSTOM_METRICS.queueDepth },
        metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
      },
      {
        seriesQuery: `${bucketsOf(AGENT_METRICS.latency)}{${FLEET_SERIES}}`,
        resources: RESOURCES,
        name: { matches: `^${bucketsOf(AGENT_METRICS.latency)}$`, as: CUSTOM_METRICS.latencyP95 },
        metricsQuery:
          "histogram_quantile(0.95, sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m])) by (le, <<.GroupBy>>))",
      },
    ],
    externalRules: [
      {
        seriesQuery: `${SCHEDULE_SERIES}{schedule!=""}`,
        // Fleet-wide series: an HPA in any agent namespace reads it without a namespace label.
        resources: { namespaced: false },
        name: { matches: `^${SCHEDULE_SERIES}$`, as: SCHEDULE_METRIC },
        metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (schedule)",
      },
    ],
  };
}

export function buildAdapterRulesConfigMap(fleet: FleetConfig): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "agent-fleet-adapter-rules",
      namespace: fleet.monitoring.namespace,
      labels: fleetLabels("autoscaling"),
    },
    data: { "config.yaml": stringify(adapterRules()) },
  };
}
