/**
 * Shell completion: the candidates for each position (commands, flags a command's help
 * documents, promote's gates, kubeconfig contexts, AgentRollouts from the cluster), kubectl's
 * plugin protocol, and the bash script run by a real bash against a real CLI process and the
 * sandbox API.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CompletionSources,
  type CompletionTarget,
  complete,
  completionScript,
  DIRECTIVE,
  flagsOf,
  formatCompletion,
} from "../../src/controller/cli/completion.ts";
import { COMMAND_NAMES } from "../../src/controller/cli/help.ts";
import { CLI_FLAGS } from "../../src/controller/cli/options.ts";
import { ClientNodeCluster, loadKubeConfig } from "../../src/controller/kube/clientNodeCluster.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { agentRollout } from "./support/fixtures.ts";

const ROOT = join(import.meta.dirname, "../..");

/** Sources that record what they were asked. */
function fakeSources(agents: string[] = ["enrich", "ingest"]) {
  const asked: CompletionTarget[] = [];
  const sources: CompletionSources = {
    agents: async (target) => {
      asked.push(target);
      return agents;
    },
    contexts: () => ["prod-eu", "staging"],
  };
  return { sources, asked };
}

const candidates = async (...args: string[]) => (await complete(args, fakeSources().sources)).candidates;

describe("completion candidates", () => {
  it("offers rollout, then the commands, filtered by what is typed", async () => {
    expect(await candidates("")).toEqual(["rollout"]);
    expect(await candidates("rollout", "")).toEqual(COMMAND_NAMES);
    expect(await candidates("rollout", "p")).toEqual(["promote", "pause"]);
    expect(await candidates("nonsense", "")).toEqual([]);
  });

  it("offers a command's own flags, not those already given", async () => {
    expect(await candidates("rollout", "promote", "ingest", "--st")).toEqual(["--step"]);
    expect(await candidates("rollout", "status", "ingest", "--st")).toEqual([]);
    expect(await candidates("rollout", "abort", "ingest", "--r")).toEqual(["--replace"]);
    const afterContext = await candidates("rollout", "status", "--context", "prod-eu", "ingest", "--");
    expect(afterContext).not.toContain("--context");
    expect(afterContext).toContain("--kubeconfig");
    expect(await candidates("rollout", "-")).toEqual(["--help", "--version"]);
  });

  it("offers agents from the cluster the typed flags select, and nothing after the agent", async () => {
    const { sources, asked } = fakeSources();
    const args = ["rollout", "status", "-n", "team-a", "--context=prod-eu", "--kubeconfig", "/k", "in"];
    expect((await complete(args, sources)).candidates).toEqual(["ingest"]);
    expect(asked).toEqual([{ namespace: "team-a", context: "prod-eu", kubeconfig: "/k" }]);
    expect(await candidates("rollout", "status", "ingest", "")).toEqual([]);
  });

  it("offers a flag's values: contexts, promote's gates, files for --kubeconfig", async () => {
    expect(await candidates("rollout", "status", "--context", "")).toEqual(["prod-eu", "staging"]);
    expect(await candidates("rollout", "promote", "ingest", "--step", "s")).toEqual(["switch", "scale-down"]);
    const files = await complete(["rollout", "status", "--kubeconfig", ""], fakeSources().sources);
    expect(files).toEqual({ candidates: [], directive: DIRECTIVE.default });
    expect((await complete(["rollout", "status", "--timeout", ""], fakeSources().sources)).directive).toBe(
      DIRECTIVE.noFileCompletion,
    );
  });

  it("offers exactly the flags the parser accepts, each where the command's help documents it", () => {
    const offered = new Set(COMMAND_NAMES.flatMap((command) => flagsOf(command).map((flag) => flag.long)));
    expect([...offered].sort()).toEqual([...Object.keys(CLI_FLAGS), "help"].sort());
    expect(flagsOf("status").find((flag) => flag.long === "namespace")).toEqual({
      long: "namespace",
      short: "n",
      takesValue: true,
    });
    expect(flagsOf("abort").find((flag) => flag.long === "replace")?.takesValue).toBe(false);
  });

  it("writes kubectl's plugin protocol: a candidate per line, then :<directive>", () => {
    expect(
      formatCompletion({ candidates: ["promote", "pause"], directive: DIRECTIVE.noFileCompletion }),
    ).toBe("promote\npause\n:4");
  });
});

describe("completion through real processes", () => {
  let api: KubeApiServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    api = await startKubeApiServer();
    const cluster = new ClientNodeCluster(loadKubeConfig(api.url), { requestTimeoutMs: 5_000 });
    for (const agent of ["ingest", "enrich"]) await cluster.create(agentRollout({ agent }));
    dir = mkdtempSync(join(tmpdir(), "cli-completion-"));
    // As npm installs the package: the launchers on PATH under their bin names.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    symlinkSync(join(ROOT, "bin/agent-fleet.mjs"), join(bin, "agent-fleet"));
    symlinkSync(
      join(ROOT, "bin/kubectl_complete-agent_fleet.mjs"),
      join(bin, "kubectl_complete-agent_fleet"),
    );
    writeFileSync(join(dir, "completion.bash"), completionScript("bash"));
    env = {
      PATH: `${dirname(process.execPath)}:${bin}:${process.env.PATH ?? ""}`,
      HOME: dir,
      AGENTFLEET_KUBE_SERVER: api.url,
    };
  });

  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (file: string, args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(file, args, { env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );

  /** Runs the bash script's function as bash's completion does, and returns COMPREPLY. */
  const bashComplete = async (words: string[]) => {
    const script = [
      `source ${JSON.stringify(join(dir, "completion.bash"))}`,
      `COMP_WORDS=(${words.map((word) => JSON.stringify(word)).join(" ")})`,
      `COMP_CWORD=${words.length - 1}`,
      "_agent_fleet",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join("\n");
    return (await run("bash", ["-c", script])).split("\n").filter(Boolean);
  };

  it("bash completes commands, flags and the cluster's agents through the real CLI", async () => {
    expect(await bashComplete(["agent-fleet", "rollout", "pro"])).toEqual(["promote"]);
    expect(await bashComplete(["agent-fleet", "rollout", "promote", "ingest", "--st"])).toEqual(["--step"]);
    expect(await bashComplete(["agent-fleet", "rollout", "status", ""])).toEqual(["enrich", "ingest"]);
  });

  it("kubectl_complete-agent_fleet answers kubectl's protocol", async () => {
    expect(await run("kubectl_complete-agent_fleet", ["rollout", "watch", "en"])).toBe("enrich\n:4\n");
  });
});
