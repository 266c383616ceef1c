/**
 * `--help` texts of `agent-fleet rollout` and each of its commands (pure): usage, flags,
 * examples and exit codes, as kubectl plugins print them. The README shows them verbatim
 * (test/controller/cli-help.test.ts keeps the two equal).
 */
import type { ManualActionName } from "../rollout/actionRequest.ts";

export type CommandName = "status" | "watch" | ManualActionName;

const COMMON_FLAGS = `  -n, --namespace <ns>   namespace of the AgentRollout (default $AGENTFLEET_NAMESPACE, else the
                         kubeconfig context's namespace, else data-processing)
      --context <name>   kubeconfig context to use instead of the current one
      --kubeconfig <f>   kubeconfig file instead of $KUBECONFIG or ~/.kube/config
      --server <url>     API server URL, without credentials, instead of the kubeconfig ($AGENTFLEET_KUBE_SERVER)
  -h, --help             show this help`;

const ACTION_FLAGS = `      --by <name>        who asks, recorded with the request (default the kubeconfig user, then $USER)
      --timeout <s>      how long to wait for the controller's answer and the router's read-back (default 30)
      --no-wait          exit 0 once the request is written, without waiting for the answer`;

const ACTION_EXIT_CODES = `Exit codes:
  0  applied (and, for promote/abort, the router shows the new weights)
  1  error (API unreachable, unknown agent)
  2  usage
  3  not taken up within --timeout (the request stays pending; it expires after 15 minutes)
  4  applied, but the router does not show the weights yet
  5  refused or superseded (the reason is printed)`;

const COMMANDS: Record<
  CommandName,
  { summary: string; usage: string; flags: string; examples: string; exits: string }
> = {
  status: {
    summary: "Show a release: phase, steps, weights, tracks, the last analysis and its evidence.",
    usage: "agent-fleet rollout status <agent> [flags]",
    flags: COMMON_FLAGS,
    examples: "  agent-fleet rollout status ingest -n data-processing",
    exits:
      "Exit codes:\n  0  shown (healthy, or a release in progress)\n  1  error, or the release is Degraded or Aborted\n  2  usage",
  },
  watch: {
    summary: "Follow a release live until it settles (promoted, aborted or paused).",
    usage: "agent-fleet rollout watch <agent> [flags]",
    flags: `${COMMON_FLAGS}\n      --timeout <s>      stop watching after this long (default 600)`,
    examples: "  agent-fleet rollout watch ingest -n data-processing",
    exits:
      "Exit codes:\n  0  settled healthy on the current revision\n  1  error, or settled Degraded or Aborted\n  2  usage, or not settled within --timeout",
  },
  promote: {
    summary:
      "Pass the gate the release waits at now (a step's pause, the blue-green switch, the scale-down).",
    usage: "agent-fleet rollout promote <agent> [--step N|switch|scale-down] [flags]",
    flags: `${COMMON_FLAGS}\n${ACTION_FLAGS}\n      --step <gate>      only if the release waits at this gate (a step number, switch or scale-down)`,
    examples:
      "  agent-fleet rollout promote ingest -n data-processing\n  agent-fleet rollout promote ingest --step 2",
    exits: ACTION_EXIT_CODES,
  },
  abort: {
    summary: "Send all traffic back to the stable track and stop the release.",
    usage: "agent-fleet rollout abort <agent> [--replace] [flags]",
    flags: `${COMMON_FLAGS}\n${ACTION_FLAGS}\n      --replace          re-issue an abort the controller has not taken up yet (recorded as an override)`,
    examples: "  agent-fleet rollout abort ingest -n data-processing",
    exits: ACTION_EXIT_CODES,
  },
  pause: {
    summary: "Hold the release where it is until resume, promote or abort.",
    usage: "agent-fleet rollout pause <agent> [flags]",
    flags: `${COMMON_FLAGS}\n${ACTION_FLAGS}`,
    examples: "  agent-fleet rollout pause ingest -n data-processing",
    exits: ACTION_EXIT_CODES,
  },
  resume: {
    summary: "Let a paused release go on.",
    usage: "agent-fleet rollout resume <agent> [flags]",
    flags: `${COMMON_FLAGS}\n${ACTION_FLAGS}`,
    examples: "  agent-fleet rollout resume ingest -n data-processing",
    exits: ACTION_EXIT_CODES,
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(text: string | undefined): text is CommandName {
  return text !== undefined && (COMMAND_NAMES as string[]).includes(text);
}

/** `agent-fleet rollout --help`: the commands, one line each. */
export function rolloutHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  return [
    "Release agent versions safely: inspect and steer the rollout controller's AgentRollouts.",
    "",
    "Usage:",
    "  agent-fleet rollout <command> <agent> [flags]",
    "  kubectl agent-fleet rollout <command> <agent> [flags]",
    "",
    "Commands:",
    ...COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`),
    "",
    "Flags:",
    "  -h, --help             show help (of a command: agent-fleet rollout <command> --help)",
    "      --version          print the version",
    "",
    'Run "agent-fleet rollout <command> --help" for a command\'s flags, examples and exit codes.',
  ].join("\n");
}

/** `agent-fleet rollout <command> --help`. */
export function commandHelp(name: CommandName): string {
  const command = COMMANDS[name];
  return [
    command.summary,
    "",
    "Usage:",
    `  ${command.usage}`,
    "",
    "Flags:",
    command.flags,
    "",
    "Examples:",
    command.examples,
    "",
    command.exits,
  ].join("\n");
}
