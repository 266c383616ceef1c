/**
 * `npm run pin:controller -- --stack <prod|path/to/Pulumi.x.yaml> --digest sha256:<64 hex> [--image <repo>]`
 *
 * Pins the stack's rollout controller image by digest (the release workflow runs it with the
 * digest it pushed, then opens a pull request). The edited stack must still load: a pin that
 * would leave the stack invalid is not written.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { pinControllerImage } from "../config/pinController.ts";
import { loadStackFile, stackFilePath } from "../config/stackFile.ts";
import { parseCliArgs, runCli } from "./args.ts";

const usage =
  "npm run pin:controller -- --stack <prod|path/to/Pulumi.x.yaml> --digest sha256:<64 hex> [--image <repo>]";

const args = parseCliArgs(usage, {
  stack: { type: "string" },
  digest: { type: "string" },
  image: { type: "string" },
});

await runCli(() => {
  const stack = args.stack as string | undefined;
  const digest = args.digest as string | undefined;
  if (!stack || !digest) throw new Error(`--stack and --digest are required\nusage: ${usage}`);
  const file = stack.endsWith(".yaml") ? stack : stackFilePath(stack);
  if (!existsSync(file)) throw new Error(`${file}: no such stack file\nusage: ${usage}`);
  const before = readFileSync(file, "utf8");
  const image = args.image as string | undefined;
  const after = pinControllerImage(before, { digest, ...(image ? { image } : {}) }, file);
  writeFileSync(file, after);
  try {
    const { fleet } = loadStackFile(file);
    console.log(
      `${file}: rollout controller pinned to ${fleet.release.controllerImage}@${fleet.release.controllerVersion}`,
    );
  } catch (error) {
    writeFileSync(file, before);
    throw error;
  }
  return 0;
});
