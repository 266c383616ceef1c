/**
 * Public surface of the preflight: pure prerequisites and verdicts, and the runner. The reader of
 * a real cluster (`kubeClusterReader.ts`, on @kubernetes/client-node) is imported on demand, so a
 * disabled or injected preflight never loads the Kubernetes client.
 */

export { clusterPrerequisites, describeProbe, type Prerequisite, type Probe } from "./prerequisites.ts";
export {
  type ClusterReader,
  PreflightError,
  type PreflightLog,
  type PreflightOptions,
  type PreflightOutcome,
  runPreflight,
} from "./run.ts";
export {
  evaluatePreflight,
  failureMessage,
  type PreflightReport,
  type ProbeAnswer,
  probeKey,
} from "./verdict.ts";
