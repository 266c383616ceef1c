/** Command-line parsing for `agent-fleet rollout …` (pure). */
import { parseArgs } from "node:util";
import type { ManualActionName } from "../rollout/actionRequest.ts";
import { gateFromStepFlag } from "./actionPlan.ts";
import { commandHelp, isCommandName, rolloutHelp } from "./help.ts";

export const USAGE =
  "usage: agent-fleet rollout <status|watch|promote|abort|pause|resume> <agent> [-n namespace] [--context name] [--kubeconfig file] [--server url] [--by name] [--timeout seconds] [--no-wait] [--step N|switch|scale-down (promote)] [--replace (abort)]\n(agent-fleet rollout --help for more)";

/** The namespace when neither `-n`, `$AGENTFLEET_NAMESPACE` nor the kubeconfig context names one. */
export const DEFAULT_NAMESPACE = "data-processing";

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

export interface CliOptions {
  command: "status" | "watch" | ManualActionName;
  agent: string;
  namespace: string;
  /** Whether `namespace` was asked for (`-n` or `$AGENTFLEET_NAMESPACE`); otherwise the kubeconfig context's namespace wins over the default. */
  namespaceGiven: boolean;
  kubeconfig?: string;
  context?: string;
  server?: string;
  by?: string;
  /** How long to wait for the controller's answer and, for promote/abort, the router's read-back. */
  timeoutSeconds: number;
  wait: boolean;
  /** promote: the gate it is meant for, as `status` shows it (`2`, `switch`, `scale-down`). */
  step?: string;
  /** abort: replace an abort the controller has not taken up yet (recorded as an override). */
  replace: boolean;
}

/** What `--help` or `--version` asked to print instead of running a command. */
export interface CliInfo {
  print: string;
}

/**
 * `--help` / `-h` anywhere (of the command named before it, else of `rollout`) and `--version`
 * win over everything else, as in kubectl; otherwise the command's options.
 */
export function infoRequest(argv: string[], version: () => string): CliInfo | undefined {
  const flags = argv.filter((arg) => arg.startsWith("-"));
  if (flags.includes("--version")) return { print: `agent-fleet ${version()}` };
  if (!flags.includes("--help") && !flags.includes("-h")) return undefined;
  const command = argv.find((arg) => !arg.startsWith("-"));
  return { print: isCommandName(command) ? commandHelp(command) : rolloutHelp() };
}

/** Every flag the commands accept (each command's help says which are its own). */
export const CLI_FLAGS = {
  namespace: { type: "string", short: "n" },
  server: { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  by: { type: "string" },
  timeout: { type: "string" },
  "no-wait": { type: "boolean", default: false },
  step: { type: "string" },
  replace: { type: "boolean", default: false },
} as const;

export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliOptions {
  try {
    return optionsOf(argv, env);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(USAGE) ? message : `${message}\n${USAGE}`);
  }
}

function optionsOf(argv: string[], env: Record<string, string | undefined>): CliOptions {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CLI_FLAGS });
  const [command, agent, ...extra] = positionals;
  if (!isCommandName(command) || !agent || extra.length > 0) throw new Error(USAGE);
  if (values.step !== undefined && command !== "promote")
    throw new Error(`--step only applies to promote\n${USAGE}`);
  if (values.step !== undefined) gateFromStepFlag(values.step);
  if (values.replace && command !== "abort") throw new Error(`--replace only applies to abort\n${USAGE}`);
  const timeoutSeconds = Number(values.timeout ?? (command === "watch" ? 600 : 30));
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error(`--timeout must be a positive number of seconds\n${USAGE}`);
  return {
    command: command as CliOptions["command"],
    agent,
    namespace: values.namespace ?? env.AGENTFLEET_NAMESPACE ?? DEFAULT_NAMESPACE,
    namespaceGiven: (values.namespace ?? env.AGENTFLEET_NAMESPACE) !== undefined,
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
    server: values.server ?? env.AGENTFLEET_KUBE_SERVER,
    by: values.by,
    timeoutSeconds,
    wait: !values["no-wait"],
    step: values.step,
    replace: values.replace ?? false,
  };
}
