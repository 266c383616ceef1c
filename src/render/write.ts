import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * Writes a render into `outDir` atomically per top-level folder: files go to a staging directory
 * first, so a failure never leaves a half-written render behind.
 */
export function writeFiles(outDir: string, files: Map<string, string>): void {
  const target = resolve(outDir);
  mkdirSync(target, { recursive: true });
  const staging = mkdtempSync(join(target, ".render-"));
  try {
    for (const [relativePath, content] of files) {
      const file = join(staging, relativePath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    for (const folder of readdirSync(staging)) {
      rmSync(join(target, folder), { recursive: true, force: true });
      renameSync(join(staging, folder), join(target, folder));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
