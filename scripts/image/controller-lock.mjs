#!/usr/bin/env node
/**
 * Writes the rollout controller image's package.json and package-lock.json into a directory: the
 * controller's runtime packages and exactly what they depend on, at the versions and integrity
 * hashes of the repository's package-lock.json. `npm ci` on the pair installs a reproducible
 * node_modules without the Pulumi SDK or any dev tool. Plain JS: it runs in the image's build
 * stage before anything is installed.
 *
 *   node scripts/image/controller-lock.mjs <package-lock.json> <out-dir>
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The packages `src/controller/main.ts` imports, directly or through its modules
 * at run time (test/image/controllerImage.test.ts compares this list with the import graph).
 */
export const CONTROLLER_RUNTIME_PACKAGES = ["@kubernetes/client-node", "pino", "prom-client", "zod"];

const DEPENDENCY_FIELDS = ["dependencies", "optionalDependencies", "peerDependencies"];

/**
 * Where npm put `name` as seen from the package at `from` ("" is the root): the nearest
 * `node_modules/<name>` walking up from `from`, as Node's resolution does.
 */
export function resolveInstalled(packages, from, name) {
  let base = from;
  for (;;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === "") return undefined;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent === -1 ? "" : base.slice(0, parent);
  }
}

/** The lock entries (path → entry) the roots need, with the dev flags dropped. */
export function closure(lock, roots) {
  const packages = lock.packages ?? {};
  const wanted = new Map();
  const visit = (path, name, from, optional) => {
    if (!path) {
      if (optional) return;
      throw new Error(
        `package-lock.json has no installed ${name} (needed by ${from || "the image"}): run npm install`,
      );
    }
    if (wanted.has(path)) return;
    const { dev: _dev, devOptional: _devOptional, ...entry } = packages[path];
    wanted.set(path, entry);
    for (const field of DEPENDENCY_FIELDS) {
      const meta = entry.peerDependenciesMeta ?? {};
      for (const dependency of Object.keys(entry[field] ?? {})) {
        const optionalDependency =
          field === "optionalDependencies" || (field === "peerDependencies" && meta[dependency]?.optional);
        visit(resolveInstalled(packages, path, dependency), dependency, path, optionalDependency);
      }
    }
  };
  for (const root of roots) visit(resolveInstalled(packages, "", root), root, "", false);
  return new Map([...wanted].sort(([a], [b]) => a.localeCompare(b)));
}

/** The image's package.json and package-lock.json, as objects. */
export function controllerLock(lock, roots = CONTROLLER_RUNTIME_PACKAGES) {
  const entries = closure(lock, roots);
  const dependencies = Object.fromEntries(
    roots.map((root) => [root, entries.get(resolveInstalled(lock.packages, "", root)).version]),
  );
  const manifest = {
    name: "rollout-controller",
    version: lock.version ?? "0.0.0",
    private: true,
    type: "module",
    dependencies,
  };
  const packageLock = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: manifest.name, version: manifest.version, dependencies },
      ...Object.fromEntries(entries),
    },
  };
  return { manifest, packageLock };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [lockFile, outDir] = process.argv.slice(2);
  if (!lockFile || !outDir) {
    console.error("usage: node scripts/image/controller-lock.mjs <package-lock.json> <out-dir>");
    process.exit(2);
  }
  const { manifest, packageLock } = controllerLock(JSON.parse(readFileSync(lockFile, "utf8")));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, "package-lock.json"), `${JSON.stringify(packageLock, null, 2)}\n`);
  console.error(
    `${outDir}: ${Object.keys(packageLock.packages).length - 1} packages for ${Object.keys(manifest.dependencies).join(", ")}`,
  );
}
