/**
 * Entry of the sample agent process the sandbox kubelet runs for every pod:
 * `node_modules/.bin/tsx src/sandbox/agent/main.ts` with the pod's env (see `settings.ts`; faults
 * in `faults.ts`). Logs one JSON line per lifecycle event on stdout.
 */
import { startAgentServer } from "./server.ts";
import { settingsFromEnv } from "./settings.ts";

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
}

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env);
  const who = {
    agent: settings.agentId,
    pod: settings.pod,
    track: settings.track,
    version: settings.version,
  };
  if (settings.faults.crashOnStart) {
    log("crash-on-start", { ...who, reason: "fault injection" });
    process.exit(1);
  }
  const server = await startAgentServer(settings);
  log("listening", { ...who, ports: server.ports, faults: settings.faults });
  const stop = (signal: NodeJS.Signals) => {
    log("shutting-down", { ...who, signal });
    server.shutdown().then(
      () => {
        log("stopped", who);
        process.exit(0);
      },
      (error: unknown) => {
        log("shutdown-failed", { ...who, error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  log("failed", { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
