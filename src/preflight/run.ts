/**
 * The preflight of the Pulumi program: ask the cluster every prerequisite question at once, then
 * stop with one message, warn, or say it passed. Runs before any resource is registered. The
 * cluster and the log are injected (program.ts passes the kubeconfig reader and `pulumi.log`;
 * tests pass fakes), so this module holds no Pulumi or Kubernetes client code.
 */
import type { FleetConfig } from "../config/index.ts";
import type { RenderedFleet } from "../manifests/types.ts";
import { clusterPrerequisites, type Probe } from "./prerequisites.ts";
import {
  cautionMessage,
  disabledMessage,
  evaluatePreflight,
  failureMessage,
  type PreflightReport,
  type ProbeAnswer,
  passedMessage,
  probeKey,
  skippedMessage,
  unreachableMessage,
} from "./verdict.ts";

/** Read access to the target cluster. */
export interface ClusterReader {
  /** Which cluster, for messages: `context "dev" at https://10.0.0.1:6443`. */
  readonly target: string;
  /** Whether the API server answers with these credentials; the version when it does. */
  connect(): Promise<{ reachable: true; version?: string } | { reachable: false; reason: string }>;
  probe(probe: Probe): Promise<ProbeAnswer>;
}

export interface PreflightLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PreflightOptions {
  /** The cluster to read; a factory so a disabled preflight never loads a kubeconfig or client. */
  cluster: () => ClusterReader | Promise<ClusterReader>;
  /** `pulumi preview` (true) or `pulumi up` (false). */
  dryRun: boolean;
  stack: string;
  log: PreflightLog;
}

/** A cluster that lacks prerequisites, or that `pulumi up` cannot reach. */
export class PreflightError extends Error {
  readonly report: PreflightReport | undefined;
  constructor(message: string, report?: PreflightReport) {
    super(message);
    this.name = "PreflightError";
    this.report = report;
  }
}

export type PreflightOutcome =
  | { outcome: "disabled" }
  | { outcome: "skipped"; reason: string }
  | { outcome: "passed"; report: PreflightReport };

/** Creates the reader and connects; a reader that cannot even be created (no client) cannot read. */
async function connect(
  options: PreflightOptions,
): Promise<{ target: string; reader?: ClusterReader; version?: string; unreachable?: string }> {
  let reader: ClusterReader;
  try {
    reader = await options.cluster();
  } catch (error) {
    const reason = `the Kubernetes client cannot be loaded (${(error as Error).message}; it needs Node >= 22)`;
    return { target: "(not read)", unreachable: reason };
  }
  const connection = await reader.connect();
  return connection.reachable
    ? { target: reader.target, reader, version: connection.version }
    : { target: reader.target, unreachable: connection.reason };
}

export async function runPreflight(
  fleet: FleetConfig,
  rendered: RenderedFleet,
  options: PreflightOptions,
): Promise<PreflightOutcome> {
  if (!fleet.preflight.enabled) {
    options.log.info(disabledMessage());
    return { outcome: "disabled" };
  }
  const { target, reader, version, unreachable } = await connect(options);
  if (!reader || unreachable !== undefined) {
    const reason = unreachable ?? "unknown";
    if (!options.dryRun) throw new PreflightError(unreachableMessage(target, reason));
    options.log.warn(skippedMessage(target, reason));
    return { outcome: "skipped", reason };
  }
  const prerequisites = clusterPrerequisites(fleet, rendered);
  const probes = new Map<string, Probe>();
  for (const prerequisite of prerequisites) {
    for (const probe of prerequisite.probes) probes.set(probeKey(probe), probe);
  }
  const answers = new Map<string, ProbeAnswer>(
    await Promise.all(
      [...probes].map(
        async ([key, probe]): Promise<[string, ProbeAnswer]> => [key, await reader.probe(probe)],
      ),
    ),
  );
  const report = evaluatePreflight(prerequisites, answers, version ? `${target} (${version})` : target);
  if (report.missing.length > 0) throw new PreflightError(failureMessage(report, options.stack), report);
  const warning = cautionMessage(report);
  if (warning) options.log.warn(warning);
  else options.log.info(passedMessage(report));
  return { outcome: "passed", report };
}
