import { parseArgs } from "node:util";

/** `--stack` and friends, with a usage line on bad input instead of a stack trace. */
export function parseCliArgs<
  T extends Record<string, { type: "string" | "boolean"; default?: string | boolean }>,
>(usage: string, options: T, argv = process.argv.slice(2)) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
}

/** Runs a CLI body, printing known errors without a stack trace and exiting non-zero. */
export async function runCli(body: () => Promise<number | undefined> | number | undefined): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
