/**
 * `rollout watch`: a live progress view until the release settles (0 Healthy, 1 Degraded or
 * Aborted, 2 timeout). On a terminal the view is redrawn in place; otherwise one line per change.
 */
import { type Cluster, KINDS, type KubeObject } from "../kube/cluster.ts";
import type { CliIo, CliOptions } from "./options.ts";
import { findRollout, readTracks, settledExitCode } from "./read.ts";
import { renderProgressLine, renderRollout } from "./view.ts";

const CLEAR = "\x1b[H\x1b[2J";

export async function watchRollout(cluster: Cluster, options: CliOptions, io: CliIo): Promise<number> {
  const first = await findRollout(cluster, options.namespace, options.agent);
  const name = first.metadata.name;
  let latest: KubeObject = first;
  let wake: () => void = () => {};
  const show = async (rollout: KubeObject) => {
    if (io.stdout.isTTY)
      io.stdout.write(`${CLEAR}${renderRollout(rollout, await readTracks(cluster, rollout))}\n`);
    else io.stdout.write(`${renderProgressLine(rollout)}\n`);
  };
  await show(first);
  const settledNow = settledExitCode(first);
  if (settledNow !== undefined) return settledNow;
  const { items, resourceVersion } = await cluster.list(KINDS.agentRollout, { namespace: options.namespace });
  latest = items.find((item) => item.metadata.name === name) ?? latest;
  const handle = await cluster.watch(
    KINDS.agentRollout,
    { namespace: options.namespace, resourceVersion },
    (event) => {
      if (event.object.metadata.name !== name || event.type === "BOOKMARK") return;
      latest = event.object;
      wake();
    },
  );
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let shown = "";
  try {
    while (Date.now() < deadline) {
      const line = JSON.stringify(latest.status ?? {});
      if (line !== shown) {
        shown = line;
        await show(latest);
        const code = settledExitCode(latest);
        if (code !== undefined) return code;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
      // The watch only wakes the loop; a read each time keeps the view right if it dropped.
      latest = (await cluster.get(KINDS.agentRollout, { namespace: options.namespace, name })) ?? latest;
    }
    io.stderr.write(`timed out after ${options.timeoutSeconds}s; the release is still running\n`);
    return 2;
  } finally {
    handle.stop();
  }
}
