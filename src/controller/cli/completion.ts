/**
 * Shell completion (pure, but for the sources it is given): the words of `agent-fleet rollout …`
 * typed so far in, the candidates for the word under the cursor out, in kubectl's plugin
 * protocol — kubectl runs `kubectl_complete-agent_fleet <args…> <word>` and reads one candidate
 * per line, then `:<directive>` (cobra's ShellCompDirective). The standalone CLI's bash, zsh and
 * fish scripts call the same thing. Commands and flags come from the help texts, so completion
 * offers exactly what `--help` documents.
 */
import { COMMAND_NAMES, type CommandName, commandHelp, isCommandName } from "./help.ts";

/** cobra's ShellCompDirective bits kubectl understands. */
export const DIRECTIVE = { default: 0, noFileCompletion: 4 } as const;

export interface Completion {
  candidates: string[];
  directive: number;
}

/** Where the candidates that need the cluster or the kubeconfig come from. */
export interface CompletionSources {
  /** AgentRollout names; [] when the cluster cannot be read (completion never fails loudly). */
  agents(target: CompletionTarget): Promise<string[]>;
  contexts(target: CompletionTarget): string[];
}

/** The connection flags typed so far. */
export interface CompletionTarget {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  server?: string;
}

interface FlagSpec {
  long: string;
  short?: string;
  takesValue: boolean;
}

const TOP_LEVEL_FLAGS: FlagSpec[] = [
  { long: "help", short: "h", takesValue: false },
  { long: "version", takesValue: false },
];

/** The flags a command's help documents: `  -n, --namespace <ns>   …`. */
export function flagsOf(command: CommandName): FlagSpec[] {
  return commandHelp(command)
    .split("\n")
    .flatMap((line) => {
      const match = /^\s+(?:-(\w), )?--([\w-]+)( <)?/.exec(line);
      if (!match) return [];
      return [
        {
          long: match[2] as string,
          ...(match[1] ? { short: match[1] } : {}),
          takesValue: match[3] !== undefined,
        },
      ];
    });
}

const flagNamed = (flags: FlagSpec[], word: string) =>
  flags.find((flag) => word === `--${flag.long}` || (flag.short !== undefined && word === `-${flag.short}`));

/** Which positionals and flag values the typed words hold. */
function readWords(words: string[], flags: (command: CommandName | undefined) => FlagSpec[]) {
  const positionals: string[] = [];
  const values: Record<string, string> = {};
  const used = new Set<string>();
  let pendingValue: FlagSpec | undefined;
  for (const word of words) {
    if (pendingValue) {
      values[pendingValue.long] = word;
      pendingValue = undefined;
      continue;
    }
    const command = isCommandName(positionals[0]) ? positionals[0] : undefined;
    if (word.startsWith("-")) {
      const [name, inline] = word.split("=", 2) as [string, string?];
      const flag = flagNamed([...flags(command), ...flags(undefined)], name);
      if (!flag) continue;
      used.add(flag.long);
      if (flag.takesValue && inline === undefined) pendingValue = flag;
      else if (inline !== undefined) values[flag.long] = inline;
      continue;
    }
    positionals.push(word);
  }
  return { positionals, values, used, pendingValue };
}

/**
 * Candidates for the last of `args` (the word under the cursor, "" for a new one), given the words
 * before it: `rollout`, then a command, then an agent from the cluster; flags when the word starts
 * with `-`; a flag's values after it (contexts from the kubeconfig, promote's gates).
 */
export async function complete(args: readonly string[], sources: CompletionSources): Promise<Completion> {
  const words = args.slice(0, -1);
  const current = args.at(-1) ?? "";
  const done = (candidates: string[], directive: number = DIRECTIVE.noFileCompletion): Completion => ({
    candidates: candidates.filter((candidate) => candidate.startsWith(current)),
    directive,
  });
  if (words.length === 0) return done(current.startsWith("-") ? ["--help", "--version"] : ["rollout"]);
  if (words[0] !== "rollout") return done([]);
  const flags = (command: CommandName | undefined) => (command ? flagsOf(command) : TOP_LEVEL_FLAGS);
  const { positionals, values, used, pendingValue } = readWords(words.slice(1), flags);
  const [command, agent] = positionals;
  const target: CompletionTarget = {
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.context ? { context: values.context } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.server ? { server: values.server } : {}),
  };
  if (pendingValue) {
    if (pendingValue.long === "kubeconfig") return done([], DIRECTIVE.default);
    if (pendingValue.long === "context") return done(sources.contexts(target));
    if (pendingValue.long === "step") return done(["switch", "scale-down"]);
    return done([]);
  }
  const known = isCommandName(command) ? command : undefined;
  if (current.startsWith("-")) {
    const offered = flags(known).filter((flag) => !used.has(flag.long) || flag.long === "help");
    return done(offered.map((flag) => `--${flag.long}`));
  }
  if (command === undefined) return done(COMMAND_NAMES);
  if (known && agent === undefined) return done(await sources.agents(target));
  return done([]);
}

/** kubectl's plugin protocol: a candidate per line, then `:<directive>`. */
export function formatCompletion(completion: Completion): string {
  return [...completion.candidates, `:${completion.directive}`].join("\n");
}

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** The standalone CLI's completion script for a shell; each asks `agent-fleet rollout __complete`. */
export function completionScript(shell: Shell): string {
  const bash = `# agent-fleet completion for bash: source it, e.g. from ~/.bashrc:
#   source <(agent-fleet completion bash)
_agent_fleet() {
  local IFS=$'\\n' lines directive
  lines=($(agent-fleet rollout __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)) || return
  directive="\${lines[-1]#:}"
  unset 'lines[-1]'
  COMPREPLY=("\${lines[@]}")
  # Directive bit 4 (no file completion) unset and nothing offered: complete file names.
  if [ \${#COMPREPLY[@]} -eq 0 ] && [ $((directive & 4)) -eq 0 ]; then
    COMPREPLY=($(compgen -f -- "\${COMP_WORDS[COMP_CWORD]}"))
  fi
}
complete -F _agent_fleet agent-fleet
`;
  if (shell === "bash") return bash;
  if (shell === "zsh") {
    return `# agent-fleet completion for zsh: source it, e.g. from ~/.zshrc:
#   source <(agent-fleet completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash.split("\n").slice(2).join("\n")}`;
  }
  return `# agent-fleet completion for fish: agent-fleet completion fish > ~/.config/fish/completions/agent-fleet.fish
complete -c agent-fleet -f -a '(agent-fleet rollout __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null | string match -v ":*")'
`;
}
