/**
 * Where the cached real-cluster toolchain lives (built by scripts/toolchain/build.sh, versions in
 * scripts/toolchain/versions.sh). The tier never falls back to binaries found elsewhere on PATH.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const PROJECT_DIR = resolve(import.meta.dirname, "../..");

export interface ToolchainPaths {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  kwokStages: string;
  crds: { gatewayApi: string; prometheusOperator: string };
  /** Directories holding pulumi, pulumi-language-nodejs and pulumi-resource-kubernetes. */
  pulumiBinDirs: string[];
}

let cached: ToolchainPaths | undefined;

/** `AGENT_FLEET_TOOLCHAIN=kubernetes,etcd,…` limits the build to some components (iterating locally). */
function components(): string[] {
  return (process.env.AGENT_FLEET_TOOLCHAIN ?? "").split(",").filter(Boolean);
}

/** Resolves (and, when a component is missing, builds) the toolchain through the build script. */
export function toolchainPaths(): ToolchainPaths {
  if (cached) return cached;
  const output = execFileSync("bash", [join(PROJECT_DIR, "scripts/toolchain/build.sh"), ...components()], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const dirs = output.trim().split("\n");
  const dirOf = (prefix: string): string => {
    const dir = dirs.find((candidate) => candidate.split("/").at(-1)?.startsWith(prefix));
    if (!dir || !existsSync(dir))
      throw new Error(`toolchain: no ${prefix}* directory in build output:\n${output}`);
    return dir;
  };
  const kubernetes = join(dirOf("kubernetes-"), "bin");
  const kwok = dirOf("kwok-");
  const crds = dirOf("crds-");
  cached = {
    etcd: join(dirOf("etcd-"), "bin/etcd"),
    kubeApiserver: join(kubernetes, "kube-apiserver"),
    kubeControllerManager: join(kubernetes, "kube-controller-manager"),
    kubeScheduler: join(kubernetes, "kube-scheduler"),
    kubectl: join(kubernetes, "kubectl"),
    kwok: join(kwok, "bin/kwok"),
    kwokStages: join(kwok, "stages"),
    crds: { gatewayApi: join(crds, "gateway-api"), prometheusOperator: join(crds, "prometheus-operator") },
    get pulumiBinDirs() {
      return ["pulumi-v", "pulumi-language-nodejs-", "pulumi-resource-kubernetes-"].map((prefix) =>
        join(dirOf(prefix), "bin"),
      );
    },
  };
  return cached;
}
