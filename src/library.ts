/**
 * The package's public API (`import … from "agent-fleet"`), for a Pulumi program of one's own:
 * the whole fleet from typed config ({@link defineFleet}, {@link deployFleet}), or its components
 * one by one ({@link AgentCluster}, {@link Agent}, {@link Monitoring}, {@link Alerting},
 * {@link RolloutController}) fed by {@link renderFleet}, which turns a {@link FleetConfig} into the
 * plain objects each component registers. Nothing here runs on import.
 */

export { Agent, type AgentArgs, SKIP_AWAIT_ANNOTATION } from "./components/agent/index.ts";
export { AgentCluster, type AgentClusterArgs } from "./components/agentCluster/index.ts";
export {
  type DefineRolloutControllerOptions,
  defineRolloutController,
  RolloutController,
  type RolloutControllerArgs,
} from "./components/controller/index.ts";
export { logicalName, registerObject } from "./components/kubeObject.ts";
export {
  Alerting,
  type AlertingArgs,
  type DefineMonitoringOptions,
  defineMonitoring,
  Monitoring,
  type MonitoringArgs,
  type MonitoringStack,
} from "./components/monitoring/index.ts";
export {
  type Agent as AgentConfig,
  type Cluster as AgentClusterConfig,
  type ConfigProblem,
  type Environment,
  type FleetConfig,
  FleetConfigError,
  type FleetConfigInput,
  fleetConfigSchema,
  isReleased,
  parseFleetConfig,
  SECRET_KEYS,
  type SecretKey,
  SecretRef,
} from "./config/index.ts";
export type { ParseOptions } from "./config/parse.ts";
export {
  type FleetInputOptions,
  fleetFromInput,
  loadFleetFromPulumi,
  type PulumiLoadOptions,
} from "./config/pulumiConfig.ts";
export { type LoadedStack, loadStackFile } from "./config/stackFile.ts";
export { CapacityError } from "./manifests/capacity.ts";
export { type RolloutControllerSpec, rolloutControllerSpec } from "./manifests/controller/index.ts";
export { renderFleet } from "./manifests/fleet.ts";
export type { KubeObject, ObjectMeta, RenderedFleet } from "./manifests/types.ts";
export { PreflightError } from "./preflight/index.ts";
export { asRunError, type DeployOptions, defineFleet, deployFleet, type FleetOutputs } from "./program.ts";
