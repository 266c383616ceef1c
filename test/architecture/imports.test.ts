/**
 * The import rules (.dependency-cruiser.mjs over architecture/layers.mjs) hold on the tree, and
 * they catch what they are for: an upward import, a cycle, shipped code importing the tests. The
 * synthetic cases are tiny trees in a temporary directory, cruised with the project's own rules.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../harness/cli.ts";

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

const DEPCRUISE = join(PROJECT_DIR, "node_modules", ".bin", "depcruise");
const RULES = join(PROJECT_DIR, ".dependency-cruiser.mjs");

function cruise(cwd: string, paths: string[]): Violation[] {
  const run = spawnSync(DEPCRUISE, [...paths, "--config", RULES, "--output-type", "json"], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.error).toBeUndefined();
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A tree of `path → source` under a fresh directory, with a tsconfig the rules can read. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "imports-"));
  scratch.push(dir);
  const all = { "tsconfig.json": '{ "compilerOptions": { "allowImportingTsExtensions": true } }', ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const summary = (violations: Violation[]) => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);

describe("imports only point down", () => {
  it("hold on the tree: no upward import, no cycle, no test code in src/", () => {
    expect(summary(cruise(PROJECT_DIR, ["src", "bench", "harness", "scripts", "policies"]))).toEqual([]);
  }, 120_000);

  it("catch a contract module importing the manifests", () => {
    const dir = tree({
      "src/contract/ports.ts":
        'import { buildPod } from "../manifests/pod.ts";\nexport const P = buildPod();\n',
      "src/manifests/pod.ts": "export const buildPod = () => 1;\n",
    });
    expect(summary(cruise(dir, ["src"]))).toEqual([
      "layer-contract: src/contract/ports.ts → src/manifests/pod.ts",
    ]);
  }, 60_000);

  it("catch the shipped controller importing the sandbox, even for a type", () => {
    const dir = tree({
      "src/controller/router.ts":
        'import type { Slot } from "../sandbox/slots.ts";\nexport const s: Slot = 1;\n',
      "src/sandbox/slots.ts": "export type Slot = number;\n",
    });
    expect(summary(cruise(dir, ["src"]))).toEqual([
      "layer-controller: src/controller/router.ts → src/sandbox/slots.ts",
    ]);
  }, 60_000);

  it("catch a cycle inside one layer", () => {
    const dir = tree({
      "src/config/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
      "src/config/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    });
    // dependency-cruiser reports a cycle once, at the module it entered it by.
    expect(summary(cruise(dir, ["src"]))).toEqual(["no-circular: src/config/a.ts → src/config/b.ts"]);
  }, 60_000);

  it("catch src/ importing the test tree, a benchmark importing tests, and a folder of no layer", () => {
    const dir = tree({
      "src/render/write.ts": 'import { fixture } from "../../test/fixture.ts";\nexport const w = fixture;\n',
      "test/fixture.ts": "export const fixture = 1;\n",
      "bench/speed.bench.ts": 'import { fixture } from "../test/fixture.ts";\nexport const x = fixture;\n',
      "src/gadgets/thing.ts": 'import { w } from "../render/write.ts";\nexport const t = w;\n',
    });
    expect(summary(cruise(dir, ["src", "bench"])).sort()).toEqual([
      "benchmarks-not-on-tests: bench/speed.bench.ts → test/fixture.ts",
      "shipped-code-not-on-tests: src/render/write.ts → test/fixture.ts",
      "unknown-layer: src/gadgets/thing.ts → src/render/write.ts",
    ]);
  }, 60_000);
});
