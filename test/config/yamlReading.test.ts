/**
 * Stack files are read the way Pulumi reads them (go-yaml v3): merge keys work, bytes that are not
 * UTF-8 and absurd nesting or aliasing are refused with file:line:col instead of being replaced,
 * crashing, or hanging.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FleetConfigError, loadStackFile } from "../../src/config/index.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const BASELINE_FILE = join(FIXTURES, "bad-config", "valid", "Pulumi.dev-baseline.yaml");
const MERGED_FILE = join(FIXTURES, "stack-files", "Pulumi.dev-merge-keys.yaml");
const BASELINE = readFileSync(BASELINE_FILE, "utf8");
const scratch = mkdtempSync(join(tmpdir(), "config-yaml-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeStack(name: string, content: string | Uint8Array): string {
  const file = join(scratch, `Pulumi.${name}.yaml`);
  writeFileSync(file, content);
  return file;
}

function loadError(file: string): FleetConfigError {
  try {
    loadStackFile(file);
  } catch (error) {
    if (error instanceof FleetConfigError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

/** 1-based `line:col` of `offset` in `text`. */
function positionAt(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${before.length - before.lastIndexOf("\n")}`;
}

/** The baseline with `dataProcessing` on the first agent, holding `block` (indented 8). */
function baselineWithDataProcessing(block: string): string {
  const anchor = "      route:\n        hostnames: [ingest";
  expect(BASELINE).toContain(anchor);
  return BASELINE.replace(anchor, `      dataProcessing:\n${block}${anchor}`);
}

describe("merge keys", () => {
  it("a stack written with anchors and `<<:` loads to exactly its written-out form", () => {
    expect(readFileSync(MERGED_FILE, "utf8")).toContain("<<: [");
    expect(loadStackFile(MERGED_FILE).fleet).toEqual(loadStackFile(BASELINE_FILE).fleet);
  });

  it("a bad value that several agents merge is reported for each, at the line that holds it", () => {
    const text = readFileSync(MERGED_FILE, "utf8").replace(
      "replicas: { min: 1, max: 2 }",
      "replicas: { min: 1, max: 0 }",
    );
    const error = loadError(writeStack("merged-bad", text));
    expect([...error.paths].sort()).toEqual(["agents[1].replicas.max", "agents[2].replicas.max"]);
    const where = `Pulumi.merged-bad.yaml:${positionAt(text, text.indexOf("max: 0") + "max: ".length)}`;
    expect(error.problems.map((problem) => problem.location)).toEqual([where, where]);
  });

  it("one anchor merged into more than 100 agents loads, as Pulumi reads it", () => {
    const agents = Array.from(
      { length: 120 },
      (_, index) => `    - { <<: *agent, id: agent-${index} }\n`,
    ).join("");
    const text = [
      "config:",
      "  agent-fleet:environment: dev",
      '  agent-fleet:resourcePool: { cpu: "1000", memory: 4Ti, storage: 100Ti }',
      "  agent-fleet:agents:",
      "    - &agent",
      "      id: first",
      "      image: ghcr.io/agent-fleet/ingest-agent",
      "      version: 1.4.2",
      "      replicas: { min: 1, max: 1 }",
      "      resources: { limits: { cpu: 100m, memory: 128Mi, storage: 1Gi } }",
      agents,
    ].join("\n");
    expect(loadStackFile(writeStack("many-merges", text)).fleet.agents).toHaveLength(121);
  });
});

describe("bytes that are not UTF-8", () => {
  const LATIN1_E_ACUTE = 0xe9;

  function withByte(text: string, at: string, bytes: number[]): Uint8Array {
    const offset = Buffer.byteLength(text.slice(0, text.indexOf(at)));
    const encoded = Buffer.from(text);
    return Buffer.concat([encoded.subarray(0, offset), Buffer.from(bytes), encoded.subarray(offset)]);
  }

  it("in a value: named by its path and file:line:col, never replaced with U+FFFD", () => {
    const bytes = withByte(BASELINE, "dev.agent-fleet.internal]", [LATIN1_E_ACUTE]);
    const error = loadError(writeStack("latin1", bytes));
    expect(error.paths).toEqual(["agents[0].route.hostnames[0]"]);
    const where = `Pulumi.latin1.yaml:${positionAt(BASELINE, BASELINE.indexOf("dev.agent-fleet.internal]"))}`;
    expect(error.problems[0]).toEqual({
      path: ["agents", 0, "route", "hostnames", 0],
      message:
        "is not valid UTF-8: byte 0xe9 begins a character that the bytes after it do not complete; save the file as UTF-8 (Pulumi cannot read it either)",
      location: where,
    });
    expect(error.message).not.toContain("\uFFFD");
  });

  it("in a comment: the file and position", () => {
    const bytes = withByte(BASELINE, "valid dev-like", [0xff]);
    const error = loadError(writeStack("comment", bytes));
    expect(error.message).toContain(
      "  - Pulumi.comment.yaml:1:7: the file is not valid UTF-8: byte 0xff cannot begin a character;",
    );
  });

  it("a character cut off at the end of the file", () => {
    const bytes = Buffer.concat([Buffer.from(BASELINE), Buffer.from("# \u20ac").subarray(0, 4)]);
    const error = loadError(writeStack("cut", bytes));
    expect(error.problems[0]?.message).toContain(
      "byte 0xe2 begins a character that the bytes after it do not complete",
    );
    expect(error.problems[0]?.location).toBe(`Pulumi.cut.yaml:${BASELINE.split("\n").length}:3`);
  });
});

describe("nesting", () => {
  it("more than 64 levels of maps: the setting and where the 65th level starts", () => {
    const levels = Array.from({ length: 70 }, (_, index) => `${"  ".repeat(4 + index)}level${index}:\n`).join(
      "",
    );
    const text = baselineWithDataProcessing(`${levels}${"  ".repeat(74)}leaf: 1\n`);
    const error = loadError(writeStack("deep", text));
    expect(error.paths).toEqual(["agents"]);
    // Top-level map, config, agents list, first agent, dataProcessing: level 5 holds `level0`.
    const where = `Pulumi.deep.yaml:${positionAt(text, text.indexOf("level60:"))}`;
    expect(error.problems[0]?.location).toBe(where);
    expect(error.problems[0]?.message).toMatch(/^nests maps and lists more than 64 levels deep from here/);
  });

  it("20,000 nested brackets: the same error, not a stack overflow", () => {
    const text = baselineWithDataProcessing(`        deep: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`);
    const started = performance.now();
    const error = loadError(writeStack("brackets", text));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.paths).toEqual(["agents"]);
    expect(error.problems[0]?.message).not.toContain("call stack");
  });
});

describe("aliases", () => {
  it("an alias bomb is refused at the alias that sets it off, quickly", () => {
    const layers = ["        l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"];
    for (let layer = 1; layer <= 9; layer++) {
      const previous = `*l${layer - 1}`;
      layers.push(`        l${layer}: &l${layer} [${Array(10).fill(previous).join(", ")}]\n`);
    }
    const text = baselineWithDataProcessing(layers.join(""));
    const started = performance.now();
    const error = loadError(writeStack("bomb", text));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem?.message).toMatch(/^`\*l\d` expands, through the aliases inside it, to so many values/);
    expect(problem?.path.slice(0, 3)).toEqual(["agents", 0, "dataProcessing"]);
    expect(problem?.location).toMatch(/^Pulumi\.bomb\.yaml:\d+:\d+$/);
  });

  it("an anchor that contains an alias to itself", () => {
    const text = baselineWithDataProcessing("        loop: &loop [a, *loop]\n");
    const error = loadError(writeStack("loop", text));
    expect(error.paths).toEqual(["agents[0].dataProcessing.loop[1]"]);
    expect(error.problems[0]?.message).toBe(
      "`*loop` refers to the anchor `&loop` that contains it, so the value would contain itself",
    );
    expect(error.problems[0]?.location).toBe(`Pulumi.loop.yaml:${positionAt(text, text.indexOf("*loop"))}`);
  });

  it("nesting past the limit through an alias", () => {
    const deep = `${"[".repeat(40)}x${"]".repeat(40)}`;
    const text = baselineWithDataProcessing(
      `        a: &deep ${deep}\n        b: ${"[".repeat(30)}*deep${"]".repeat(30)}\n`,
    );
    const error = loadError(writeStack("alias-deep", text));
    expect(error.problems[0]?.message).toBe(
      "`*deep` nests maps and lists more than 64 levels deep once expanded",
    );
    expect(error.problems[0]?.location).toBe(
      `Pulumi.alias-deep.yaml:${positionAt(text, text.indexOf("*deep"))}`,
    );
  });
});
