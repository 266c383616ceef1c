/** `npm run render -- --stack <dev|prod> --out <dir>`: every object the program would create, as YAML. */

import { renderStack } from "../render/renderStack.ts";
import { writeFiles } from "../render/write.ts";
import { parseCliArgs, runCli } from "./args.ts";
import { summarizeFleet } from "./summary.ts";

const args = parseCliArgs("npm run render -- --stack <dev|prod|path/to/Pulumi.x.yaml> --out <dir>", {
  stack: { type: "string", default: "dev" },
  out: { type: "string", default: "out" },
});

await runCli(() => {
  const stack = args.stack as string;
  const out = args.out as string;
  console.error(`rendering stack ${stack} …`);
  const { loaded, rendered, files } = renderStack(stack);
  writeFiles(out, files);
  console.error(summarizeFleet(loaded.fleet, rendered));
  if (loaded.secretsNote) console.error(loaded.secretsNote);
  console.error(`wrote ${files.size} files (${rendered.objects.length} objects) to ${out}/`);
  return 0;
});
