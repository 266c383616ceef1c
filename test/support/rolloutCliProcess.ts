/** `agent-fleet rollout …` as an operator runs it: its own process, through bin/agent-fleet.mjs. */
import { execFile } from "node:child_process";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Asynchronous, so an API served by the test process keeps answering meanwhile. */
export function runRolloutCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      "node_modules/.bin/node",
      ["bin/agent-fleet.mjs", "rollout", ...args],
      { encoding: "utf8", timeout: 90_000, env },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
          out: stdout,
          err: stderr,
        }),
    );
  });
}
