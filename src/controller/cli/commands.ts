/**
 * `agent-fleet rollout status|watch|promote|abort|pause|resume <agent> [-n namespace]`, in the
 * style of a kubectl plugin. Manual actions are requests the controller answers exactly once
 * (see actionCommand.ts and rollout/actions.ts).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { KubeConfig } from "@kubernetes/client-node";
import { ClientNodeCluster, contextNamespace, loadKubeConfig } from "../kube/clientNodeCluster.ts";
import type { Cluster } from "../kube/cluster.ts";
import type { ManualActionName } from "../rollout/actionRequest.ts";
import { EXIT, requestAction } from "./actionCommand.ts";
import { complete, completionScript, formatCompletion, SHELLS, type Shell } from "./completion.ts";
import { clusterCompletionSources } from "./completionSources.ts";
import { type CliIo, type CliOptions, infoRequest, parseCliArgs } from "./options.ts";
import { findRollout, readTracks, settledExitCode } from "./read.ts";
import { renderRollout } from "./view.ts";
import { watchRollout } from "./watch.ts";

export { type CliIo, type CliOptions, parseCliArgs, USAGE } from "./options.ts";
export { findRollout, readTracks, settledExitCode } from "./read.ts";

/** Like kubectl: without `-n`, the namespace of the kubeconfig's current context, if it names one. */
export function withContextNamespace(options: CliOptions, kubeConfig: KubeConfig): CliOptions {
  if (options.namespaceGiven || options.server) return options;
  const namespace = contextNamespace(kubeConfig);
  return namespace ? { ...options, namespace } : options;
}

/** Who asks: `--by`, else the kubeconfig user, else the OS user. */
function actor(options: CliOptions, io: CliIo, kubeUser: string | undefined): string {
  return options.by ?? io.env.AGENTFLEET_USER ?? kubeUser ?? io.env.USER ?? io.env.USERNAME ?? "unknown";
}

function isAction(options: CliOptions): options is CliOptions & { command: ManualActionName } {
  return options.command !== "status" && options.command !== "watch";
}

/** The package's version, for `--version`. */
export function cliVersion(): string {
  const manifest = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** The hidden `__complete` (kubectl's plugin completion protocol) and `completion <shell>`. */
async function runCompletion(argv: string[], io: CliIo): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === "__complete") {
    io.stdout.write(`${formatCompletion(await complete(rest, clusterCompletionSources(io.env)))}\n`);
    return 0;
  }
  if (command !== "completion") return undefined;
  const [shell, ...extra] = rest;
  if (!SHELLS.includes(shell as Shell) || extra.length > 0) {
    io.stderr.write(`usage: agent-fleet completion <${SHELLS.join("|")}>\n`);
    return EXIT.usage;
  }
  io.stdout.write(completionScript(shell as Shell));
  return 0;
}

export async function runCli(argv: string[], io: CliIo, cluster?: Cluster): Promise<number> {
  const completion = await runCompletion(argv, io);
  if (completion !== undefined) return completion;
  const info = infoRequest(argv, cliVersion);
  if (info) {
    io.stdout.write(`${info.print}\n`);
    return 0;
  }
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, io.env);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  let client = cluster;
  let kubeUser: string | undefined;
  try {
    if (!client) {
      const kubeConfig = loadKubeConfig(options.server, options);
      kubeUser = options.server ? undefined : kubeConfig.getCurrentUser()?.name;
      options = withContextNamespace(options, kubeConfig);
      client = new ClientNodeCluster(kubeConfig, {
        requestTimeoutMs: 10_000,
        userAgent: "agent-fleet-rollout-cli",
      });
    }
    if (options.command === "status") {
      const rollout = await findRollout(client, options.namespace, options.agent);
      io.stdout.write(`${renderRollout(rollout, await readTracks(client, rollout))}\n`);
      return settledExitCode(rollout) ?? 0;
    }
    if (options.command === "watch") return await watchRollout(client, options, io);
    if (isAction(options))
      return await requestAction(client, options, io, actor(options, io, kubeUser), randomUUID);
    return EXIT.usage;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return EXIT.error;
  }
}
