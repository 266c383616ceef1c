/** Entry of `agent-fleet rollout …` (bin/agent-fleet.mjs) and `npm run rollout -- …`. */
import { runCli } from "./commands.ts";

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
