/**
 * The CLI reads the kubeconfig as kubectl does: `--kubeconfig`, `--context`, and without `-n`
 * the current context's namespace; installed as `kubectl-agent_fleet`, kubectl runs it as
 * `kubectl agent-fleet …` (a plugin's dashes are underscores in its file name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withContextNamespace } from "../../src/controller/cli/commands.ts";
import { parseCliArgs } from "../../src/controller/cli/options.ts";
import { contextNamespace, loadKubeConfig } from "../../src/controller/kube/clientNodeCluster.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { runRolloutCli } from "../support/rolloutCliProcess.ts";

const ROOT = join(import.meta.dirname, "../..");
let api: KubeApiServer;
let dir: string;
let kubeconfig: string;

function kubeconfigFor(server: string): string {
  const context = (name: string, namespace?: string) => ({
    name,
    context: { cluster: "sandbox", user: "operator", ...(namespace ? { namespace } : {}) },
  });
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    // The sandbox API is plain HTTP, which the client accepts only with TLS verification off.
    clusters: [{ name: "sandbox", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "operator", user: { token: "t" } }],
    contexts: [context("team-a", "team-a-agents"), context("plain")],
    "current-context": "plain",
  });
}

beforeAll(async () => {
  api = await startKubeApiServer();
  dir = mkdtempSync(join(tmpdir(), "cli-kubeconfig-"));
  kubeconfig = join(dir, "config");
  writeFileSync(kubeconfig, kubeconfigFor(api.url));
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the CLI's kubeconfig, as kubectl reads it", () => {
  it("takes the context's namespace without -n; -n and $AGENTFLEET_NAMESPACE win over it", () => {
    const config = loadKubeConfig(undefined, { kubeconfig, context: "team-a" });
    expect(contextNamespace(config)).toBe("team-a-agents");
    const parse = (args: string[], env = {}) => parseCliArgs(["status", "ingest", ...args], env);
    expect(withContextNamespace(parse([]), config).namespace).toBe("team-a-agents");
    expect(withContextNamespace(parse(["-n", "other"]), config).namespace).toBe("other");
    expect(withContextNamespace(parse([], { AGENTFLEET_NAMESPACE: "env-ns" }), config).namespace).toBe(
      "env-ns",
    );
    const plain = loadKubeConfig(undefined, { kubeconfig });
    expect(withContextNamespace(parse([]), plain).namespace).toBe("data-processing");
  });

  it("names the contexts there are when --context names none of them", () => {
    expect(() => loadKubeConfig(undefined, { kubeconfig, context: "prod" })).toThrow(
      'context "prod" is not in the kubeconfig (contexts: team-a, plain)',
    );
  });

  it("a real CLI process reads --kubeconfig and --context and asks the API in the context's namespace", async () => {
    const run = await runRolloutCli(["status", "ingest", "--kubeconfig", kubeconfig, "--context", "team-a"], {
      ...process.env,
      AGENTFLEET_NAMESPACE: undefined,
    });
    expect(run.code).toBe(1);
    expect(run.err).toContain('no AgentRollout for agent "ingest" in namespace team-a-agents');
    const missing = await runRolloutCli([
      "status",
      "ingest",
      "--kubeconfig",
      kubeconfig,
      "--context",
      "prod",
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('context "prod" is not in the kubeconfig');
  });

  it("installs as the kubectl plugin kubectl-agent_fleet (the same launcher as agent-fleet), with its completion", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    expect(manifest.bin).toEqual({
      "agent-fleet": "bin/agent-fleet.mjs",
      "kubectl-agent_fleet": "bin/agent-fleet.mjs",
      // kubectl's plugin completion: kubectl_complete-<plugin file name after "kubectl-">.
      "kubectl_complete-agent_fleet": "bin/kubectl_complete-agent_fleet.mjs",
    });
  });
});
