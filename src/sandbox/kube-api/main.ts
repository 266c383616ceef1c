/**
 * Runs the sandbox Kubernetes API in its own process (the local sandbox and the controller bench
 * use it so the controller's memory and CPU are measured apart). Prints `{"url": …}` once ready.
 *
 *   tsx src/sandbox/kube-api/main.ts [--port 6443] [--deployment-ready-ms 0]
 */
import { parseArgs } from "node:util";
import { startKubeApiServer } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "deployment-ready-ms": { type: "string" },
    "bookmark-ms": { type: "string", default: "60000" },
  },
});

const readyMs = values["deployment-ready-ms"];
const server = await startKubeApiServer({
  port: Number(values.port),
  deploymentReadyDelayMs: readyMs === undefined ? undefined : Number(readyMs),
  bookmarkIntervalMs: Number(values["bookmark-ms"]),
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => {
  server.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
