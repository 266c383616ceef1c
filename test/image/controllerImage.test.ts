/**
 * The controller image's build inputs: the runtime package list is what the controller imports
 * at run time, the lock the build stage writes pins exactly their closure, the build context lets
 * in what the Dockerfile copies, and the Dockerfile reader behind the cluster tier's layout test
 * reads what it claims to.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../harness/cli.ts";
import { CONTROLLER_DOCKERFILE } from "../../harness/image/controllerImage.ts";
import {
  copyArgs,
  DockerfileError,
  envArgs,
  execForm,
  parseDockerfile,
} from "../../harness/image/dockerfile.ts";
import {
  CONTROLLER_RUNTIME_PACKAGES,
  closure,
  controllerLock,
  type PackageLock,
  resolveInstalled,
} from "../../scripts/image/controller-lock.mjs";
import { releaseSchema } from "../../src/config/schema.ts";

const lock = JSON.parse(readFileSync(join(PROJECT_DIR, "package-lock.json"), "utf8")) as PackageLock;

/** npm package of an import specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

describe("the controller's runtime packages", () => {
  it("are exactly the packages src/controller/main.ts imports at run time", () => {
    const cruise = spawnSync(
      join(PROJECT_DIR, "node_modules", ".bin", "depcruise"),
      ["src/controller/main.ts", "--no-config", "--do-not-follow", "node_modules", "--output-type", "json"],
      {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
      },
    );
    expect(cruise.status, cruise.stderr).toBe(0);
    type Module = {
      source: string;
      dependencies: Array<{ module: string; resolved: string; coreModule: boolean }>;
    };
    const modules = (JSON.parse(cruise.stdout) as { modules: Module[] }).modules;
    // Type-only imports are erased before the graph is read: only what Node loads counts.
    const external = modules.flatMap((module) =>
      module.dependencies
        .filter((d) => !d.coreModule && !d.resolved.startsWith("src/"))
        .map((d) => packageOf(d.module)),
    );
    expect(modules.length).toBeGreaterThan(20);
    expect([...new Set(external)].sort()).toEqual([...CONTROLLER_RUNTIME_PACKAGES].sort());
  });
});

describe("the controller version", () => {
  it("a stack runs by default is the package's version, the one a release tags", () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as {
      version: string;
    };
    expect(releaseSchema.parse({}).controllerVersion).toBe(version);
  });
});

describe("the image's lock (scripts/image/controller-lock.mjs)", () => {
  const { manifest, packageLock } = controllerLock(lock);
  const entries = Object.entries(packageLock.packages).filter(([path]) => path !== "");

  it("pins each runtime package at package-lock.json's version", () => {
    for (const name of CONTROLLER_RUNTIME_PACKAGES) {
      expect(manifest.dependencies[name]).toBe(lock.packages[`node_modules/${name}`]?.version);
    }
    expect(packageLock.packages[""]?.dependencies).toEqual(manifest.dependencies);
  });

  it("holds their whole closure, each with its integrity hash, and nothing of Pulumi or the dev tools", () => {
    for (const [path, entry] of entries) {
      expect(entry, path).toMatchObject({
        version: expect.any(String),
        integrity: expect.stringMatching(/^sha\d+-/),
      });
      expect(entry.dev, path).toBeUndefined();
      for (const dependency of Object.keys(entry.dependencies ?? {})) {
        const resolved = resolveInstalled(packageLock.packages, path, dependency);
        expect(resolved, `${path} → ${dependency}`).toBeDefined();
      }
    }
    const names = entries.map(([path]) =>
      path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length),
    );
    expect(names.filter((name) => /^@pulumi\/|^(typescript|tsx|vitest|esbuild|yaml)$/.test(name))).toEqual(
      [],
    );
    expect(entries.length).toBeLessThan(Object.keys(lock.packages).length / 2);
  });

  it("resolves a dependency the way Node does: nested copy first, then up the tree", () => {
    const packages = {
      "node_modules/a": { version: "1.0.0", dependencies: { b: "^2" } },
      "node_modules/a/node_modules/b": { version: "2.0.0", dependencies: { c: "*" } },
      "node_modules/b": { version: "1.0.0" },
      "node_modules/c": { version: "3.0.0" },
    };
    expect(resolveInstalled(packages, "node_modules/a", "b")).toBe("node_modules/a/node_modules/b");
    expect(resolveInstalled(packages, "node_modules/a/node_modules/b", "c")).toBe("node_modules/c");
    expect(resolveInstalled(packages, "", "b")).toBe("node_modules/b");
    expect([...closure({ packages }, ["a"]).keys()]).toEqual([
      "node_modules/a",
      "node_modules/a/node_modules/b",
      "node_modules/c",
    ]);
  });

  it("names a dependency the lock lacks, and passes over a missing optional one", () => {
    const packages = {
      "node_modules/a": {
        version: "1.0.0",
        dependencies: { gone: "^1" },
        optionalDependencies: { native: "^1" },
      },
    };
    expect(() => closure({ packages }, ["a"])).toThrow(/no installed gone \(needed by node_modules\/a\)/);
    delete (packages["node_modules/a"] as { dependencies?: unknown }).dependencies;
    expect([...closure({ packages }, ["a"]).keys()]).toEqual(["node_modules/a"]);
  });
});

describe("src/controller/Dockerfile", () => {
  const stages = parseDockerfile(readFileSync(CONTROLLER_DOCKERFILE, "utf8"));
  const [deps, runtime] = stages;

  it("installs the runtime packages with the lock script and copies them, the sources, nothing else", () => {
    expect(stages.map((stage) => stage.from)).toEqual(["node:24-slim", "node:24-slim"]);
    expect(deps?.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args)).toEqual([
      "sh controller-deps.sh package-lock.json /deps && npm cache clean --force",
    ]);
    // The runtime stage builds nothing: it is files and settings only.
    expect(runtime?.instructions.map((i) => i.keyword)).not.toContain("RUN");
    const copies = runtime?.instructions.filter((i) => i.keyword === "COPY").map(copyArgs);
    expect(copies).toEqual([
      { from: "deps", sources: ["/deps/package.json"], dest: "./package.json" },
      { from: "deps", sources: ["/deps/node_modules"], dest: "./node_modules" },
      { sources: ["src"], dest: "./src" },
    ]);
    const entrypoint = runtime?.instructions.find((i) => i.keyword === "ENTRYPOINT");
    expect(entrypoint && execForm(entrypoint)).toEqual(["node", "src/controller/main.ts"]);
  });

  it("has a build context (Dockerfile.dockerignore) that lets in every file it copies", () => {
    const allowed = readFileSync(`${CONTROLLER_DOCKERFILE}.dockerignore`, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1));
    const fromContext = stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === "COPY")
        .map(copyArgs)
        .filter((copy) => copy.from === undefined)
        .flatMap((copy) => copy.sources),
    );
    const copiedSources = fromContext.map((source) =>
      source.includes("/") || source === "src" || source === "package-lock.json"
        ? source
        : `scripts/image/${source}`,
    );
    expect(copiedSources.filter((source) => !allowed.includes(source))).toEqual([]);
  });
});

describe("the Dockerfile reader", () => {
  it("joins continuations, substitutes global ARGs, names stages and skips comments", () => {
    const [stage] = parseDockerfile(
      '# comment\nARG BASE=node:24\nFROM $BASE AS build\nRUN echo one \\\n    && echo two\nENV A=1 B="two"\n',
    );
    expect(stage).toMatchObject({ from: "node:24", name: "build" });
    expect(stage?.instructions[0]).toMatchObject({ keyword: "RUN", args: "echo one && echo two", line: 4 });
    expect(envArgs(stage?.instructions[1] as never)).toEqual({ A: "1", B: "two" });
  });

  it("refuses what it cannot follow, naming the line", () => {
    expect(() => parseDockerfile("RUN echo\n")).toThrow(/line 1: RUN before the first FROM/);
    const [stage] = parseDockerfile("FROM a\nCOPY --chown=1000 x /y\nENTRYPOINT node main.ts\n");
    expect(() => copyArgs(stage?.instructions[0] as never)).toThrow(
      /line 2: COPY flags not followed: --chown=1000/,
    );
    expect(() => execForm(stage?.instructions[1] as never)).toThrow(
      /line 3: ENTRYPOINT is not in JSON \(exec\) form/,
    );
    expect(() => parseDockerfile("# nothing\n")).toThrow(DockerfileError);
  });
});
