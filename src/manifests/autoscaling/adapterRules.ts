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
import type { KubeObject } from "../types.ts";
import { CUSTOM_METRICS } from "./hpa.ts";
import { SCHEDULE_METRIC, SCHEDULE_SERIES } from "./schedules.ts";

const RESOURCES = { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } };
const FLEET_SERIES = 'namespace!="",pod!="",agent!=""';

export function adapterRules() {
  return {
    rules: [
      {
        seriesQuery: `agent_records_processed_total{${FLEET_SERIES}}`,
        resources: RESOURCES,
        name: { matches: "^agent_records_processed_total$", as: CUSTOM_METRICS.throughput },
        metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)",
      },
      {
        seriesQuery: `agent_input_queue_depth{${FLEET_SERIES}}`,
        resources: RESOURCES,
        name: { matches: "^agent_input_queue_depth$", as: CUSTOM_METRICS.queueDepth },
        metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
      },
      {
        seriesQuery: `agent_processing_latency_seconds_bucket{${FLEET_SERIES}}`,
        resources: RESOURCES,
        name: { matches: "^agent_processing_latency_seconds_bucket$", as: CUSTOM_METRICS.latencyP95 },
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
