/**
 * `agent-fleet rollout status|watch|promote|abort|pause|resume <agent> [-n namespace]`, in the
 * style of a kubectl plugin. Manual actions are annotations on the AgentRollout (see
 * rollout/actions.ts); the command waits until the controller reports it applied them.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { ClientNodeCluster, loadKubeConfig } from "../kube/clientNodeCluster.ts";
import { type Cluster, KINDS, type KubeObject } from "../kube/cluster.ts";
import { ACTION_ANNOTATIONS, ACTIONS, type ManualActionName } from "../rollout/actions.ts";
import type { isAborted } from "../rollout/phase.ts";
import { revisionOf } from "../rollout/revision.ts";
import { observeTrack, trackName } from "../rollout/tracks.ts";
import { renderRollout, type TrackView } from "./view.ts";
import { watchRollout } from "./watch.ts";

export const USAGE =
  "usage: agent-fleet rollout <status|watch|promote|abort|pause|resume> <agent> [-n namespace] [--server url] [--by name] [--timeout seconds] [--no-wait]";

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

export interface CliOptions {
  command: "status" | "watch" | ManualActionName;
  agent: string;
  namespace: string;
  server?: string;
  by?: string;
  timeoutSeconds: number;
  wait: boolean;
}

export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      namespace: { type: "string", short: "n" },
      server: { type: "string" },
      by: { type: "string" },
      timeout: { type: "string" },
      "no-wait": { type: "boolean", default: false },
    },
  });
  const [command, agent, ...extra] = positionals;
  const commands = ["status", "watch", ...ACTIONS];
  if (!command || !commands.includes(command) || !agent || extra.length > 0) throw new Error(USAGE);
  const timeoutSeconds = Number(values.timeout ?? (command === "watch" ? 600 : 30));
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error(`--timeout must be a positive number of seconds\n${USAGE}`);
  return {
    command: command as CliOptions["command"],
    agent,
    namespace: values.namespace ?? env.AGENTFLEET_NAMESPACE ?? "data-processing",
    server: values.server ?? env.AGENTFLEET_KUBE_SERVER,
    by: values.by,
    timeoutSeconds,
    wait: !values["no-wait"],
  };
}

/** The AgentRollout named after the agent, or the one whose `spec.agent` is the agent. */
export async function findRollout(cluster: Cluster, namespace: string, agent: string): Promise<KubeObject> {
  const byName = await cluster.get(KINDS.agentRollout, { namespace, name: agent });
  if (byName) return byName;
  const { items } = await cluster.list(KINDS.agentRollout, { namespace });
  const found = items.find((item) => (item.spec as { agent?: string } | undefined)?.agent === agent);
  if (!found) throw new Error(`no AgentRollout for agent "${agent}" in namespace ${namespace}`);
  return found;
}

export async function readTracks(
  cluster: Cluster,
  rollout: KubeObject,
): Promise<Partial<Record<"blue" | "green", TrackView>>> {
  const agent = (rollout.spec as { agent?: string } | undefined)?.agent ?? rollout.metadata.name;
  const views: Partial<Record<"blue" | "green", TrackView>> = {};
  for (const track of ["blue", "green"] as const) {
    const state = observeTrack(
      await cluster
        .get(KINDS.deployment, { namespace: rollout.metadata.namespace ?? "", name: trackName(agent, track) })
        .catch(() => undefined),
    );
    if (state)
      views[track] = { replicas: state.replicas, ready: state.readyReplicas, revision: state.revision };
  }
  return views;
}

/** Who asks: `--by`, else the kubeconfig user, else the OS user. */
function actor(options: CliOptions, io: CliIo, kubeUser: string | undefined): string {
  return options.by ?? io.env.AGENTFLEET_USER ?? kubeUser ?? io.env.USER ?? io.env.USERNAME ?? "unknown";
}

async function requestAction(
  cluster: Cluster,
  options: CliOptions,
  io: CliIo,
  kubeUser: string | undefined,
): Promise<number> {
  const rollout = await findRollout(cluster, options.namespace, options.agent);
  const id = randomUUID();
  const by = actor(options, io, kubeUser);
  const key = { namespace: options.namespace, name: rollout.metadata.name };
  await cluster.patch(KINDS.agentRollout, key, {
    metadata: {
      annotations: {
        [ACTION_ANNOTATIONS.action]: options.command,
        [ACTION_ANNOTATIONS.id]: id,
        [ACTION_ANNOTATIONS.by]: by,
        [ACTION_ANNOTATIONS.at]: new Date().toISOString(),
      },
    },
  });
  io.stdout.write(
    `${options.command} requested for ${options.namespace}/${rollout.metadata.name} by ${by}\n`,
  );
  if (!options.wait) return 0;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    const current = await cluster.get(KINDS.agentRollout, key);
    const applied = (current?.status as AgentRolloutStatus | undefined)?.lastAction;
    if (applied?.id === id) {
      io.stdout.write(`controller: ${applied.result}\n`);
      return applied.result.startsWith("ignored") ? 1 : 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  io.stderr.write(
    `the controller did not acknowledge the request within ${options.timeoutSeconds}s (is it running?)\n`,
  );
  return 3;
}

/** Exit code of a settled rollout: 0 healthy, 1 degraded/aborted; undefined while it runs. */
export function settledExitCode(rollout: KubeObject): number | undefined {
  const status = (rollout.status ?? {}) as AgentRolloutStatus;
  const spec = rollout.spec as Parameters<typeof isAborted>[0];
  if (status.phase === "Degraded" || status.phase === "Aborted") return 1;
  const current =
    status.observedGeneration === rollout.metadata.generation &&
    status.stableRevision === revisionOf(spec.template);
  if (status.phase === "Healthy" && current) return 0;
  return undefined;
}

export async function runCli(argv: string[], io: CliIo, cluster?: Cluster): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, io.env);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  let client = cluster;
  let kubeUser: string | undefined;
  if (!client) {
    const kubeConfig = loadKubeConfig(options.server);
    kubeUser = options.server ? undefined : kubeConfig.getCurrentUser()?.name;
    client = new ClientNodeCluster(kubeConfig, {
      requestTimeoutMs: 10_000,
      userAgent: "agent-fleet-rollout-cli",
    });
  }
  try {
    if (options.command === "status") {
      const rollout = await findRollout(client, options.namespace, options.agent);
      io.stdout.write(`${renderRollout(rollout, await readTracks(client, rollout))}\n`);
      return settledExitCode(rollout) ?? 0;
    }
    if (options.command === "watch") return await watchRollout(client, options, io);
    return await requestAction(client, options, io, kubeUser);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
}
