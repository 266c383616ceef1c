/**
 * Runs the real Pulumi program under `pulumi.runtime.setMocks` with the config of a real
 * `Pulumi.<stack>.yaml`. `secure:` values become mock secrets (marked secret, as the engine would),
 * and so do the receivers' secrets the file does not show, as if the user had run
 * `pulumi config set --secret` for each (unless `backendSecrets: false`). The preflight reads a
 * fake cluster that has every prerequisite unless the run names another.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import {
  type FleetConfig,
  loadStackFile,
  missingReceiverSecrets,
  stackFilePath,
} from "../src/config/index.ts";
import type { ClusterReader } from "../src/preflight/index.ts";
import { fakeCluster } from "./fakeCluster.ts";

export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  /** Inputs as the provider would see them (secrets unwrapped). */
  inputs: Record<string, unknown>;
  /** Inputs as serialized on the wire: secret values keep Pulumi's secret signature. */
  wireInputs: Record<string, unknown>;
  /** URN of the parent resource ("" for the stack). */
  parent: string;
  /** URNs this resource explicitly depends on. */
  dependencies: string[];
  ignoreChanges: string[];
}

/** Pulumi's wire marker for secret values. */
export const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

/** Minimal view of the protobuf RegisterResourceRequest the mock monitor receives. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface MockMonitorInternals {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: RegisterRequest, callback: unknown): Promise<void>;
}

export interface MockedStack {
  resources: RegisteredResource[];
  outputs: import("../src/program.ts").FleetOutputs;
  secretKeys: string[];
  /** What the program logged (preflight, turned-off receivers), by level. */
  logs: { info: string[]; warn: string[] };
}

/** The receivers' secrets a stack file needs but does not hold (what its backend must have). */
function backendSecretKeys(file: string): string[] {
  try {
    return missingReceiverSecrets(loadStackFile(file).fleet).map(({ key }) => `agent-fleet:${key}`);
  } catch {
    return []; // an invalid file: the program's own error is what the test wants to see
  }
}

/** Flattens a stack file's `config:` into the string map the engine passes to programs. */
export function engineConfigOf(
  file: string,
  { backendSecrets = true }: { backendSecrets?: boolean } = {},
): { config: Record<string, string>; secretKeys: string[] } {
  const document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = `mock-secret-value-for-${key}`;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  for (const key of backendSecrets ? backendSecretKeys(file) : []) {
    config[key] = `mock-secret-value-for-${key}`;
    secretKeys.push(key);
  }
  return { config, secretKeys };
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SECRET_SIGNATURE_KEY in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, unwrapSecrets(child)]));
  }
  return value;
}

async function settled(count: () => number): Promise<void> {
  let stableRounds = 0;
  let last = -1;
  while (stableRounds < 5) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    stableRounds = count() === last ? stableRounds + 1 : 0;
    last = count();
  }
}

export interface StackRunOptions {
  /** Also set the receivers' secrets the file lacks, as a configured backend has them. @default true */
  backendSecrets?: boolean;
  cluster?: ClusterReader;
  /** Engine config entries to add or replace (`agent-fleet:<key>` → JSON text). */
  extraConfig?: Record<string, string>;
  dryRun?: boolean;
}

export async function runStackUnderMocks(
  stack: string,
  file = stackFilePath(stack),
  options: StackRunOptions = {},
): Promise<MockedStack> {
  return runProgramUnderMocks(stackRun(stack, options, file));
}

export interface ProgramRun {
  stack: string;
  config: Record<string, string>;
  secretKeys: string[];
  /** Skip config loading and evaluate this fleet (benchmarks with generated fleets). */
  fleet?: FleetConfig;
  /** The cluster the preflight reads. @default a fake cluster with every prerequisite */
  cluster?: ClusterReader;
  /** `pulumi preview` (true) or `pulumi up` (false). @default false */
  dryRun?: boolean;
}

/** Evaluates the program under a mocked engine and returns every resource it registered. */
export async function runProgramUnderMocks(run: ProgramRun): Promise<MockedStack> {
  const { resources, logs, evaluation } = await evaluateUnderMocks(run);
  const outputs = await evaluation;
  await Promise.all(
    outputs.resources.map((resource) => new Promise((resolve) => resource.urn.apply(resolve))),
  );
  await settled(() => resources.length);
  return { resources, outputs, secretKeys: run.secretKeys, logs };
}

/** A program run expected to stop: its error, and what (if anything) it registered before. */
export async function failedRunUnderMocks(
  run: ProgramRun,
): Promise<{ error: unknown; resources: RegisteredResource[]; logs: MockedStack["logs"] }> {
  const { resources, logs, evaluation } = await evaluateUnderMocks(run);
  try {
    await evaluation;
  } catch (error) {
    await settled(() => resources.length);
    return { error, resources, logs };
  }
  throw new Error(`stack ${run.stack} evaluated without an error`);
}

/** The program run of a stack file: its engine config, with the options applied. */
export function stackRun(
  stack: string,
  options: StackRunOptions = {},
  file = stackFilePath(stack),
): ProgramRun {
  const { config, secretKeys } = engineConfigOf(file, options);
  return {
    stack,
    config: { ...config, ...options.extraConfig },
    secretKeys,
    cluster: options.cluster,
    dryRun: options.dryRun,
  };
}

async function evaluateUnderMocks({
  stack,
  config,
  secretKeys,
  fleet,
  cluster = fakeCluster(),
  dryRun = false,
}: ProgramRun) {
  const resources: RegisteredResource[] = [];
  const logs = { info: [] as string[], warn: [] as string[] };
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    "agent-fleet",
    stack,
    dryRun,
  );
  // The mocks API hides parents, dependencies and secrecy; the monitor's request carries them.
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorInternals;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const urn = monitor.newUrn(request.getParent(), request.getType(), request.getName());
    const wireInputs = request.getObject()?.toJavaScript() ?? {};
    resources.push({
      type: request.getType(),
      name: request.getName(),
      urn,
      inputs: unwrapSecrets(wireInputs) as Record<string, unknown>,
      wireInputs,
      parent: request.getParent(),
      dependencies: request.getDependenciesList(),
      ignoreChanges: request.getIgnorechangesList(),
    });
    return register(request, callback);
  };
  pulumi.runtime.setAllConfig(config, secretKeys);
  const { deployFleet } = await import("../src/program.ts");
  const { loadFleetFromPulumi } = await import("../src/config/pulumiConfig.ts");
  const log = {
    info: (message: string) => logs.info.push(message),
    warn: (message: string) => logs.warn.push(message),
  };
  // As src/index.ts runs it: loading, rendering and the preflight all inside the one evaluation.
  const evaluation = Promise.resolve().then(() =>
    deployFleet({
      fleet: fleet ?? loadFleetFromPulumi({ warn: log.warn }),
      cluster: () => cluster,
      dryRun,
      log,
    }),
  );
  return { resources, logs, evaluation };
}
