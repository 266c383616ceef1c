/** Offline render of one stack: stack file → validated fleet → objects → files (in memory). */
import { type LoadedStack, loadStack, loadStackFile } from "../config/index.ts";
import { renderFleet } from "../manifests/fleet.ts";
import type { RenderedFleet } from "../manifests/types.ts";
import { renderFiles } from "./layout.ts";

export interface StackRender {
  loaded: LoadedStack;
  rendered: RenderedFleet;
  files: Map<string, string>;
}

/** `stack` is a stack name (`dev`) or a path to a stack file. */
export function renderStack(stack: string, projectDir = process.cwd()): StackRender {
  const loaded = /\.ya?ml$/.test(stack) ? loadStackFile(stack) : loadStack(stack, projectDir);
  const rendered = renderFleet(loaded.fleet);
  return { loaded, rendered, files: renderFiles(rendered) };
}
