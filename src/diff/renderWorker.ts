/**
 * Renders a stack with the code of another checkout (the diff's base) and prints it as JSON on
 * stdout: `node --import tsx src/diff/renderWorker.ts <checkout-dir> <stack>`. It runs in its own
 * process so the base's modules never mix with the working tree's.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { StackRender } from "../render/renderStack.ts";

const [checkout, stack] = process.argv.slice(2);
if (!checkout || !stack) {
  console.error("usage: renderWorker.ts <checkout-dir> <stack>");
  process.exit(2);
}

try {
  const module = (await import(pathToFileURL(join(checkout, "src", "render", "renderStack.ts")).href)) as {
    renderStack(stack: string, projectDir: string): StackRender;
  };
  const { loaded, rendered, files } = module.renderStack(stack, checkout);
  process.stdout.write(
    JSON.stringify({ environment: loaded.fleet.environment, objects: rendered.objects, files: [...files] }),
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
