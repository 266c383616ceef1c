/**
 * The controller's own Prometheus metrics (one registry per controller instance). Names come from
 * the fleet's monitoring contract (`CONTROLLER_METRICS`), which its dashboards and alerts read.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { CONTROLLER_METRICS } from "../../contract/metrics.ts";
import { type AgentRolloutStatus, type Measurement, ROLLOUT_PHASES } from "../../crd/agentRollout.ts";

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly phase = new Gauge({
    name: CONTROLLER_METRICS.phase,
    help: "1 for the current phase of each AgentRollout, 0 for the others.",
    labelNames: ["namespace", "rollout", "phase"],
    registers: [this.registry],
  });
  readonly weight = new Gauge({
    name: CONTROLLER_METRICS.weight,
    help: "Traffic percent per track, as read back from the router.",
    labelNames: ["namespace", "rollout", "track"],
    registers: [this.registry],
  });
  readonly step = new Gauge({
    name: CONTROLLER_METRICS.step,
    help: "Current canary step index (0-based); -1 when no canary step runs.",
    labelNames: ["namespace", "rollout"],
    registers: [this.registry],
  });
  readonly stepStarted = new Gauge({
    name: CONTROLLER_METRICS.stepStarted,
    help: "When the current release step was in place; 0 when no release runs.",
    labelNames: ["namespace", "rollout"],
    registers: [this.registry],
  });
  readonly measurements = new Counter({
    name: CONTROLLER_METRICS.measurements,
    help: "Analysis measurements by metric and result.",
    labelNames: ["namespace", "rollout", "metric", "phase"],
    registers: [this.registry],
  });
  readonly measurementValue = new Gauge({
    name: CONTROLLER_METRICS.analysisValue,
    help: "Last measured value of each analysis metric.",
    labelNames: ["namespace", "rollout", "metric"],
    registers: [this.registry],
  });
  readonly providerUp = new Gauge({
    name: CONTROLLER_METRICS.providerUp,
    help: "1 when the metrics provider answered the last analysis, 0 when the controller was blind.",
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: CONTROLLER_METRICS.decisions,
    help: "Release decisions (start, advance, promote, abort, rollback, pause, manual-*…).",
    labelNames: ["decision"],
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: CONTROLLER_METRICS.reconcileDuration,
    help: "Duration of one AgentRollout reconcile.",
    labelNames: ["result"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: CONTROLLER_METRICS.reconcileErrors,
    help: "Reconciles that failed or hit problems, by kind (conflict, api, problem).",
    labelNames: ["namespace", "rollout", "kind"],
    registers: [this.registry],
  });
  readonly isLeader = new Gauge({
    name: CONTROLLER_METRICS.leader,
    help: "1 while this replica holds the leader lease.",
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: CONTROLLER_METRICS.workqueueDepth,
    help: "AgentRollouts waiting for a reconcile.",
    registers: [this.registry],
  });

  recordStatus(namespace: string, rollout: string, status: AgentRolloutStatus): void {
    for (const phase of ROLLOUT_PHASES)
      this.phase.set({ namespace, rollout, phase }, status.phase === phase ? 1 : 0);
    if (status.weights) {
      this.weight.set({ namespace, rollout, track: "blue" }, status.weights.blue);
      this.weight.set({ namespace, rollout, track: "green" }, status.weights.green);
    }
    const running = status.canaryRevision !== undefined;
    this.step.set({ namespace, rollout }, running ? (status.currentStepIndex ?? 0) : -1);
    const started = status.stepStartedAt ? Date.parse(status.stepStartedAt) / 1000 : 0;
    this.stepStarted.set({ namespace, rollout }, running || status.scaleDownAt ? started : 0);
  }

  recordMeasurements(namespace: string, rollout: string, measurements: readonly Measurement[]): void {
    for (const measurement of measurements) {
      this.measurements.inc({ namespace, rollout, metric: measurement.metric, phase: measurement.phase });
      if (measurement.value !== undefined)
        this.measurementValue.set({ namespace, rollout, metric: measurement.metric }, measurement.value);
    }
  }

  forget(namespace: string, rollout: string): void {
    for (const phase of ROLLOUT_PHASES) this.phase.remove({ namespace, rollout, phase });
    for (const track of ["blue", "green"]) this.weight.remove({ namespace, rollout, track });
    this.step.remove({ namespace, rollout });
    this.stepStarted.remove({ namespace, rollout });
  }
}
