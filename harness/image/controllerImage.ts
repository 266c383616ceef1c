/**
 * The rollout controller image's file layout (src/controller/Dockerfile), made here: its runtime
 * packages installed by the Dockerfile's own script from the npm cache, the sources copied as the
 * Dockerfile copies them.
 */
import { dirname, join } from "node:path";
import { PROJECT_DIR } from "../cli.ts";
import { buildImageLayout, type ImageLayout } from "./imageLayout.ts";

export const CONTROLLER_DOCKERFILE = join(PROJECT_DIR, "src", "controller", "Dockerfile");

export function controllerImageLayout(scratch: string): ImageLayout {
  return buildImageLayout({
    context: PROJECT_DIR,
    dockerfile: CONTROLLER_DOCKERFILE,
    scratch,
    // This machine's Node 24 runs the build stage's `node`, as the base image's would.
    runEnv: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      npm_config_prefer_offline: "true",
    },
    skipRunParts: { "npm cache clean --force": "would empty this machine's npm cache" },
  });
}

/**
 * The image's ENTRYPOINT as a command on this machine: the base image's `node` is this Node.
 */
export function entrypointCommand(layout: ImageLayout): { command: string; args: string[] } {
  const [program, ...args] = layout.entrypoint;
  if (program !== "node") throw new Error(`the controller image's ENTRYPOINT runs ${program}, not node`);
  return { command: process.execPath, args };
}
