/**
 * The agent metric contract (REQUIREMENTS §3) on a private prom-client registry: exactly these
 * series, no process defaults, and no `namespace`/`agent`/`track`/`pod` labels — Prometheus adds
 * those as target labels, as the PodMonitor's relabelling does on a cluster.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { AGENT_METRICS } from "../../contract/metrics.ts";

/** Per-record latency from 1 ms to 30 s; 1 s, 5 s and 15 s are bucket bounds, as the analysis default
 * and the alert thresholds are, so quantiles near them are not smeared across a wide bucket. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30,
];

export interface AgentMetrics {
  registry: Registry;
  processed: Counter;
  failed: Counter;
  bytes: Counter;
  latency: Histogram;
  inputQueue: Gauge;
  outputQueue: Gauge;
  activeStreams: Gauge;
  quality: Gauge;
  health: Gauge;
}

export function createAgentMetrics(): AgentMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    processed: new Counter({ name: AGENT_METRICS.processed, help: "Records processed.", registers }),
    failed: new Counter({ name: AGENT_METRICS.failed, help: "Records that failed processing.", registers }),
    bytes: new Counter({ name: AGENT_METRICS.bytes, help: "Bytes of records processed.", registers }),
    latency: new Histogram({
      name: AGENT_METRICS.latency,
      help: "Per-record processing latency in seconds.",
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    inputQueue: new Gauge({
      name: AGENT_METRICS.inputQueue,
      help: "Records waiting to be processed.",
      registers,
    }),
    outputQueue: new Gauge({
      name: AGENT_METRICS.outputQueue,
      help: "Processed records not yet delivered.",
      registers,
    }),
    activeStreams: new Gauge({
      name: AGENT_METRICS.activeStreams,
      help: "Streams being processed.",
      registers,
    }),
    quality: new Gauge({ name: AGENT_METRICS.quality, help: "Quality of the output, 0..1.", registers }),
    health: new Gauge({
      name: AGENT_METRICS.health,
      help: "Agent health: 0 healthy, 1 degraded, 2 unhealthy.",
      registers,
    }),
  };
}
