/**
 * `npm run diff -- --stack <dev|prod> --base <git-ref> [--color auto|always|never]`
 *
 * Renders the stack at the base revision and in the working tree and prints what changes, as
 * markdown fit for a PR comment (colour only on a terminal). No Pulumi backend or cluster needed.
 * `--base-dir <checkout>` compares against another checkout instead of a git revision.
 */
import { renderCheckout, renderHead, renderRevision } from "../diff/baseRender.ts";
import { formatDiff } from "../diff/markdown.ts";
import { type ColorMode, paletteFor } from "../diff/palette.ts";
import { diffStack } from "../diff/stackDiff.ts";
import { parseCliArgs, runCli } from "./args.ts";

const usage =
  "npm run diff -- --stack <dev|prod> (--base <git-ref> | --base-dir <checkout>) [--color auto|always|never]";
const args = parseCliArgs(usage, {
  stack: { type: "string", default: "dev" },
  base: { type: "string" },
  "base-dir": { type: "string" },
  color: { type: "string", default: "auto" },
});

await runCli(() => {
  const stack = args.stack as string;
  const ref = args.base as string | undefined;
  const dir = args["base-dir"] as string | undefined;
  const color = args.color as ColorMode;
  if ((ref === undefined) === (dir === undefined))
    throw new Error(`give exactly one of --base and --base-dir\nusage: ${usage}`);
  if (!["auto", "always", "never"].includes(color))
    throw new Error(`--color ${color}: use auto, always or never`);
  const base = ref !== undefined ? renderRevision(ref, stack) : renderCheckout(dir as string, stack);
  const head = renderHead(stack);
  const palette = paletteFor(color, process.stdout.isTTY === true);
  console.log(
    formatDiff(diffStack(stack, base, head), { base: ref ?? (dir as string), head: "working tree" }, palette),
  );
  return 0;
});
