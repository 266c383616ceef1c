/** Stack renders for diff tests: the real prod stack, and copies of its stack file with one edit. */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR } from "../../harness/renderCli.ts";
import { stackFilePath } from "../../src/config/index.ts";
import { type RenderedSide, renderHead } from "../../src/diff/baseRender.ts";

export const PROD_STACK_FILE = stackFilePath("prod", PROJECT_DIR);

export function prodText(): string {
  return readFileSync(PROD_STACK_FILE, "utf8");
}

/** `text` with `from` replaced by `to`; fails when `from` is absent, so edits cannot silently miss. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`stack text has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const scratch: string[] = [];

/**
 * A project checkout whose code is the working tree's and whose `Pulumi.prod.yaml` is `stackText`:
 * what `--base-dir` (and a `git archive` of a revision) gives the diff.
 */
export function checkoutWith(stackText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "diff-checkout-"));
  scratch.push(dir);
  for (const entry of ["src", "package.json", "node_modules"])
    symlinkSync(join(PROJECT_DIR, entry), join(dir, entry));
  writeFileSync(join(dir, "Pulumi.prod.yaml"), stackText);
  return dir;
}

export function renderText(stackText: string): RenderedSide {
  return renderHead("prod", checkoutWith(stackText));
}

export function removeCheckouts(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}
