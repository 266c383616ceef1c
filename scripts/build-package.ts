/**
 * Builds what the installed package runs (`npm run build`, and `prepack` before `npm pack`):
 * compiled JavaScript and declarations in dist/ (Node refuses to strip types under
 * node_modules). tsc rewrites the sources' relative `.ts` imports in the JavaScript
 * (`rewriteRelativeImportExtensions`) but not in the declarations. TypeScript finds the `.d.ts`
 * behind such an import, but other readers of declarations (declaration bundlers, API
 * extractors) look for the `.ts` file named, which the package does not ship: this rewrites
 * them to `.js`, as in the JavaScript.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");

/** `"./a.ts"`, `'../b/c.ts'` → `.js`; bare specifiers and non-relative paths are left alone. */
export function withJsSpecifiers(declarations: string): string {
  return declarations.replace(/(["'])(\.{1,2}\/[^"'\n]*?)\.ts\1/g, "$1$2.js$1");
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

if (import.meta.main) {
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  const files = declarationFiles(dist);
  for (const file of files) writeFileSync(file, withJsSpecifiers(readFileSync(file, "utf8")));
  console.error(
    `dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s (${files.length} declaration files)`,
  );
}
