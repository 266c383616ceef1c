/**
 * Rollout controller process: `node src/controller/main.ts` on Node 24 (type stripping; or via
 * tsx), settings from the environment (config.ts). SIGTERM hands the lease over before exiting; losing the lease
 * exits non-zero so the pod restarts into standby with clean state.
 */
import { startControllerApp } from "./app.ts";
import { SettingsError, settingsFromEnv } from "./config.ts";
import { createLogger } from "./log.ts";

async function main(): Promise<void> {
  let settings: ReturnType<typeof settingsFromEnv>;
  try {
    settings = settingsFromEnv();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(settings.logLevel);
  let app: Awaited<ReturnType<typeof startControllerApp>>;
  try {
    app = await startControllerApp(settings, {
      logger,
      onLostLeadership: () => {
        logger.error("leadership lost; exiting so a clean replica takes over");
        process.exit(1);
      },
    });
  } catch (error) {
    // A start that cannot succeed (an unreadable kubeconfig, a port in use): one fatal line.
    logger.fatal({ err: error }, `rollout controller could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  logger.info({ ops: app.opsUrl, leaderElection: settings.leaderElection }, "rollout controller running");
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down; releasing the lease");
    app.stop({ release: true }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

await main();
