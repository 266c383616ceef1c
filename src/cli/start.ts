/** `npm start`: renders the dev stack and prints what would be deployed. */
import { renderStack } from "../render/renderStack.ts";
import { parseCliArgs, runCli } from "./args.ts";
import { summarizeFleet } from "./summary.ts";

const args = parseCliArgs("npm start -- [--stack <dev|prod>]", { stack: { type: "string", default: "dev" } });

await runCli(() => {
  const { loaded, rendered } = renderStack(args.stack as string);
  console.log(`agent-fleet · stack ${loaded.stack} (${loaded.file})\n`);
  console.log(summarizeFleet(loaded.fleet, rendered));
  if (loaded.secretsNote) console.log(`\n${loaded.secretsNote}`);
  console.log(
    "\nRender it with `npm run render -- --stack dev --out out`, deploy with `pulumi up --stack dev`.",
  );
  return 0;
});
