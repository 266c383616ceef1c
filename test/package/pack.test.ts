/**
 * The package as `npm pack` makes it: what the tarball holds (compiled JavaScript and
 * declarations, the bin launcher, nothing of the repository's sources or tests), every target of
 * the exports map, `types` and `bin` inside it, the declarations resolving for a consumer's
 * TypeScript (arethetypeswrong) and the manifest clean (publint), and the unpacked package
 * working with no source beside it: the library imports and renders, the CLI answers.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { publint } from "publint";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../harness/cli.ts";
import { removeOnExit } from "../../harness/cluster/reaper.ts";
import { NPM_ENV, type PackedPackage, packPackage } from "../../harness/package.ts";

const run = promisify(execFile);
const NODE = process.execPath;

let packed: PackedPackage;
/** The tarball unpacked (`package/`), its dependencies linked from the repository's node_modules. */
let unpacked: string;

beforeAll(async () => {
  packed = await packPackage();
  const dir = mkdtempSync(join(tmpdir(), "agent-fleet-unpacked-"));
  removeOnExit(dir);
  await run("tar", ["-xzf", packed.tarball, "-C", dir]);
  unpacked = join(dir, "package");
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(unpacked, "node_modules"));
  console.log(
    `npm pack: ${packed.files.length} files, ${(packed.size / 1024).toFixed(0)} kB packed, ` +
      `${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.seconds.toFixed(1)} s with the build`,
  );
});

interface Manifest {
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
}

const manifest = () => JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8")) as Manifest;
const relative = (target: string) => target.replace(/^\.\//, "");

describe("the npm package", () => {
  it("holds the compiled library, its declarations and the launcher, and nothing of the sources", () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "bin/agent-fleet.mjs",
        "bin/node-version.mjs",
        "dist/library.js",
        "dist/library.d.ts",
        "dist/controller/cli/main.js",
      ]),
    );
    const outside = packed.files.filter(
      (file) =>
        !file.startsWith("dist/") && !file.startsWith("bin/") && !/^(package\.json|README\.md)$/.test(file),
    );
    expect(outside).toEqual([]);
    expect(packed.files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    expect(packed.files.filter((file) => /sandbox|\.test\./.test(file))).toEqual([]);
  });

  it("has every target of main, types, the exports map and bin in the tarball", () => {
    const { main, types, exports, bin } = manifest();
    const targets = [
      main,
      types,
      ...Object.values(exports).flatMap((target) =>
        typeof target === "string" ? [target] : Object.values(target),
      ),
      ...Object.values(bin),
    ];
    expect(targets.map(relative).filter((target) => !packed.files.includes(target))).toEqual([]);
    expect(Object.keys(bin).sort()).toEqual([
      "agent-fleet",
      "kubectl-agent_fleet",
      "kubectl_complete-agent_fleet",
    ]);
    // One @pulumi/pulumi per program: the consumer's, whose Resource classes ours extend.
    expect(Object.keys(manifest().peerDependencies)).toContain("@pulumi/pulumi");
  });

  it("declarations import .js files the package has, not the sources' .ts", () => {
    const declarations = readdirSync(join(unpacked, "dist"), { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".d.ts"),
    );
    expect(declarations.length).toBeGreaterThan(50);
    const withTsImports = declarations.filter((file) =>
      /(["'])\.{1,2}\/[^"'\n]*\.ts\1/.test(readFileSync(join(unpacked, "dist", file), "utf8")),
    );
    expect(withTsImports).toEqual([]);
  });

  it("resolves for TypeScript consumers under node16 and bundler resolution (arethetypeswrong)", async () => {
    const attw = join(PROJECT_DIR, "node_modules/@arethetypeswrong/cli/dist/index.js");
    const result = await run(NODE, [attw, packed.tarball, "--profile", "esm-only", "--format", "json"], {
      env: NPM_ENV,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }));
    // The JSON lists problems of the resolutions the profile ignores (CommonJS `require`) too.
    const report = JSON.parse(result.stdout) as {
      problems?: Record<string, Array<{ resolutionKind?: string }>>;
    };
    const ignored = new Set(["node10", "node16-cjs"]);
    const problems = Object.values(report.problems ?? {})
      .flat()
      .filter((problem) => !ignored.has(problem.resolutionKind ?? ""));
    expect(problems).toEqual([]);
    expect("code" in result ? result.code : 0).toBe(0);
  });

  it("has a manifest publint finds nothing wrong with", async () => {
    const tarball = readFileSync(packed.tarball);
    const { messages } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: "suggestion",
    });
    expect(messages).toEqual([]);
  });

  it("imports and renders a fleet from typed config with only the compiled files", async () => {
    const script = `
      const library = await import(${JSON.stringify(join(unpacked, "dist/library.js"))});
      const fleet = library.parseFleetConfig({
        environment: "dev",
        resourcePool: { cpu: "16", memory: "64Gi", storage: "1Ti", gpu: 0 },
        agents: [{ id: "ingest", image: "ghcr.io/example/ingest", version: "1.0.0", replicas: { min: 1, max: 2 } }],
      }, { source: "test" });
      const rendered = library.renderFleet(fleet);
      const components = ["AgentCluster", "Agent", "Monitoring", "Alerting", "RolloutController"]
        .filter((name) => typeof library[name] === "function");
      console.log(JSON.stringify({ components, kinds: rendered.objects.map((object) => object.kind) }));
      try { library.parseFleetConfig({ environment: "qa" }, { source: "bad" }); } catch (error) {
        console.log(JSON.stringify({ error: error.constructor.name, message: error.message }));
      }`;
    const { stdout } = await run(NODE, ["--input-type=module", "-e", script], { cwd: unpacked });
    const [first, second] = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(first.components).toEqual([
      "AgentCluster",
      "Agent",
      "Monitoring",
      "Alerting",
      "RolloutController",
    ]);
    expect(first.kinds).toEqual(expect.arrayContaining(["Namespace", "Deployment", "PrometheusRule"]));
    expect(second.error).toBe("FleetConfigError");
    expect(second.message).toMatch(/environment/);
  });

  it("runs the CLI from the compiled files (no sources, no tsx)", async () => {
    expect(existsSync(join(unpacked, "src"))).toBe(false);
    const launcher = join(unpacked, "bin/agent-fleet.mjs");
    const version = await run(NODE, [launcher, "--version"]);
    expect(version.stdout.trim()).toBe(
      `agent-fleet ${JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")).version}`,
    );
    const help = await run(NODE, [launcher, "rollout", "status", "--help"]);
    expect(help.stdout).toMatch(/Usage:\s+agent-fleet rollout status <agent>/);
    const bad = await run(NODE, [launcher, "rollout", "status"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad).toMatchObject({ code: 2 });
  });
});
