/** Builds (or finds cached) the toolchain once before any cluster-tier file starts a control plane. */
import { toolchainPaths } from "../../../harness/cluster/toolchain.ts";

export default function setup(): void {
  const started = Date.now();
  toolchainPaths();
  console.log(`cluster tier: toolchain ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
