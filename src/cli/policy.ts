/**
 * `npm run policy -- --stack <dev|prod|file> [--policy-config pack-config.json] [--format table|markdown|json]`
 *
 * The offline policy run: renders the stack and evaluates the policy pack's own checks on the
 * rendered objects, without a Pulumi engine. Exits 1 when a mandatory policy fails. `--policy-config`
 * takes the same JSON as `pulumi preview --policy-pack-config`.
 */
import { readFileSync } from "node:fs";
import { type PackConfig, policyContextFromFleet } from "../policy/context.ts";
import { blockingFindings, evaluatePolicies } from "../policy/evaluate.ts";
import { formatMarkdown, formatTable, type RunSummary } from "../policy/report.ts";
import { renderStack } from "../render/renderStack.ts";
import { parseCliArgs, runCli } from "./args.ts";

const FORMATS = ["table", "markdown", "json"] as const;
const usage =
  "npm run policy -- --stack <dev|prod|path/to/Pulumi.x.yaml> [--policy-config <file.json>] [--format table|markdown|json]";

const args = parseCliArgs(usage, {
  stack: { type: "string", default: "dev" },
  "policy-config": { type: "string" },
  format: { type: "string", default: "table" },
});

function readPackConfig(file: string | undefined): PackConfig {
  if (!file) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${file}: policy config must be a JSON object keyed by policy name`);
  }
  return parsed as PackConfig;
}

await runCli(() => {
  const format = args.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new Error(`--format ${format}: use one of ${FORMATS.join(", ")}\nusage: ${usage}`);
  const packConfig = readPackConfig(args["policy-config"] as string | undefined);
  const { loaded, rendered } = renderStack(args.stack as string);
  const start = performance.now();
  const run = evaluatePolicies(
    rendered.objects,
    policyContextFromFleet(loaded.fleet, loaded.stack),
    packConfig,
  );
  const summary: RunSummary = { stack: loaded.stack, run, elapsedMs: performance.now() - start };
  if (format === "json") console.log(JSON.stringify({ stack: loaded.stack, ...run }, null, 2));
  else console.log(format === "markdown" ? formatMarkdown(summary) : formatTable(summary));
  return blockingFindings(run.findings).length > 0 ? 1 : 0;
});
