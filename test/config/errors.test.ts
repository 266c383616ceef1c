/**
 * What a user sees when a stack file is wrong: YAML errors with file:line:col, one line per problem
 * shaped `path: <value> <what is wrong> (<examples or fix>)`, "did you mean" for typos, and the
 * location of the offending value in the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FleetConfigError, loadStackFile, parseFleetConfig } from "../../src/config/index.ts";

const BASELINE = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "bad-config", "valid", "Pulumi.dev-baseline.yaml"),
  "utf8",
);
const scratch = mkdtempSync(join(tmpdir(), "config-errors-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeStack(name: string, text: string): string {
  const file = join(scratch, `Pulumi.${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** The baseline with one exact text replacement; fails loudly if the text is not there. */
function baselineWith(from: string, to: string): string {
  expect(BASELINE).toContain(from);
  return BASELINE.replace(from, to);
}

/** 1-based `line:col` of the first occurrence of `needle`, computed from the text itself. */
function positionOf(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle));
  const line = before.split("\n").length;
  const col = before.length - before.lastIndexOf("\n");
  return `${line}:${col}`;
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

/** The baseline's `agent-fleet:*` values as the parser receives them (no secrets in the dev baseline). */
function baselineRaw(): Record<string, unknown> {
  const config = (parse(BASELINE) as { config: Record<string, unknown> }).config;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key.replace(/^agent-fleet:/, ""), value]),
  );
}

describe("YAML errors", () => {
  it("a tab used as indentation names file, line and column", () => {
    const file = writeStack(
      "broken",
      'config:\n  agent-fleet:environment: dev\n  agent-fleet:resourcePool:\n\tcpu: "16"\n',
    );
    const error = loadError(file);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.location).toBe("Pulumi.broken.yaml:4:1");
    expect(error.message).toContain("  - Pulumi.broken.yaml:4:1: YAML syntax error: Tabs are not allowed");
  });

  it("a nested mapping on one line points at where the second mapping starts", () => {
    const text = "config:\n  agent-fleet:environment: dev\n  agent-fleet:resourcePool:\n    cpu: a: b\n";
    const error = loadError(writeStack("compact", text));
    expect(error.problems[0]?.location).toBe(`Pulumi.compact.yaml:${positionOf(text, "a: b")}`);
    expect(error.message).toContain("Pulumi.compact.yaml:4:10: YAML syntax error:");
  });

  it("a duplicate key names the file, the position of the repeat and the key", () => {
    const text = "config:\n  agent-fleet:environment: dev\n  agent-fleet:environment: prod\n";
    const error = loadError(writeStack("duplicate", text));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.location).toBe("Pulumi.duplicate.yaml:3:3");
    expect(error.message).toContain(
      "Map keys must be unique: `agent-fleet:environment` appears more than once",
    );
  });

  it("stops before schema checks, so a bad value is not reported until the YAML parses", () => {
    const withBadCpu = baselineWith('limits: { cpu: "1"', "limits: { cpu: lots");
    const text = withBadCpu.replace(
      "agent-fleet:environment: dev",
      "agent-fleet:environment: dev\n  agent-fleet:environment: prod",
    );
    const error = loadError(writeStack("yaml-first", text));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.message).toMatch(/^YAML syntax error: Map keys must be unique/);
    expect(error.message).not.toContain("lots");
  });
});

describe("unknown keys", () => {
  it("suggest the closest allowed key at the top level", () => {
    const error = loadError(
      writeStack("typo-top", baselineWith("agent-fleet:autoscaling:", "agent-fleet:autoscalling:")),
    );
    const problem = error.problems.find((candidate) => candidate.path.join(".") === "autoscalling");
    expect(problem?.message).toContain('did you mean "autoscaling"?');
    expect(problem?.message).toContain("allowed here: environment, resourcePool, clusters, agents");
  });

  it("suggest the closest key inside a strategy (the schema picked by its `type`)", () => {
    const text = baselineWith("        steps:\n", "        stpes:\n");
    const error = loadError(writeStack("typo-strategy", text));
    expect(error.paths).toEqual(["agents[0].strategy.stpes"]);
    expect(error.problems[0]?.message).toContain('did you mean "steps"?');
    expect(error.problems[0]?.message).toContain("allowed here: type, steps, analysis");
  });

  it("list the allowed keys without a guess when nothing is close", () => {
    const text = baselineWith(
      "      throughputTarget: 5000\n",
      "      throughputTarget: 5000\n      colour: blue\n",
    );
    const error = loadError(writeStack("far-off", text));
    expect(error.problems[0]?.message).not.toContain("did you mean");
    expect(error.problems[0]?.message).toMatch(/^is not a known setting: allowed here: id, cluster, image/);
  });

  it("point at the misspelt key itself, also when its value is a block map", () => {
    const text = baselineWith("agent-fleet:autoscaling:", "agent-fleet:autoscalling:");
    const error = loadError(writeStack("typo-location", text));
    expect(error.problems[0]?.location).toBe(
      `Pulumi.typo-location.yaml:${positionOf(text, "agent-fleet:autoscalling:")}`,
    );
  });
});

describe("problem messages", () => {
  it("read `path: <value> <what is wrong> (<examples>)`, one line per problem", () => {
    const raw = baselineRaw();
    const agents = raw.agents as Array<{ resources: { limits: Record<string, unknown> } }>;
    const third = agents[2];
    if (!third) throw new Error("the baseline needs three agents");
    third.resources.limits.cpu = "lots";
    let error: unknown;
    try {
      parseFleetConfig(raw, { source: "Pulumi.x.yaml" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FleetConfigError);
    expect((error as FleetConfigError).message).toBe(
      'Invalid stack config in Pulumi.x.yaml (1 problem):\n  - agents[2].resources.limits.cpu: "lots" is not a CPU quantity (examples: 2, 500m, 0.25)',
    );
  });

  it("attach `Pulumi.x.yaml:<line>:<col>` of the offending value to schema problems", () => {
    const text = baselineWith(
      "memory: 1Gi, storage: 10Gi }\n      throughputTarget",
      "memory: 1GB, storage: 10Gi }\n      throughputTarget",
    );
    const error = loadError(writeStack("x", text));
    const where = `Pulumi.x.yaml:${positionOf(text, "1GB")}`;
    expect(error.problems).toEqual([expect.objectContaining({ location: where })]);
    expect(error.message).toContain(
      `  - agents[1].resources.limits.memory: "1GB" is not a byte quantity (examples: 512Mi, 4Gi, 100Gi, 1T)  (${where})`,
    );
  });

  it("attach locations to cross-field problems too", () => {
    const text = baselineWith("- id: export", "- id: ingest");
    const error = loadError(writeStack("dup-id", text));
    expect(error.problems[0]?.location).toBe(
      `Pulumi.dup-id.yaml:${positionOf(text, "ingest\n      image: ghcr.io/agent-fleet/export")}`,
    );
  });

  it("say that a quoted number is text, rather than claiming it is not a number", () => {
    const text = baselineWith("replicas: { min: 1, max: 3 }", 'replicas: { min: "2", max: 3 }');
    const error = loadError(writeStack("quoted", text));
    expect(error.problems[0]?.message).toBe(
      '"2" is not a positive whole number (it is quoted, so YAML reads it as text: write 2 without quotes)',
    );
  });

  it("name shapes in YAML terms: a list where a map belongs", () => {
    const text = baselineWith(
      '  agent-fleet:resourcePool:\n    cpu: "16"\n    memory: 64Gi\n    storage: 2Ti\n',
      "  agent-fleet:resourcePool: [16, 64Gi, 2Ti]\n",
    );
    const error = loadError(writeStack("list", text));
    expect(error.message).toContain("  - resourcePool: is a list, expected a map");
  });

  it("report a missing required setting without inventing a location", () => {
    const text = baselineWith(
      '  agent-fleet:resourcePool:\n    cpu: "16"\n    memory: 64Gi\n    storage: 2Ti\n',
      "",
    );
    const error = loadError(writeStack("missing", text));
    expect(error.problems).toEqual([{ path: ["resourcePool"], message: "is required (a map)" }]);
  });
});

describe("values YAML reads differently than they look", () => {
  it.each([
    [".nan", "got .nan (not a number), which is not a positive whole number"],
    [".inf", "got .inf (infinity), which is not a positive whole number"],
    ["-.inf", "got -.inf (minus infinity), which is not a positive whole number"],
  ])("%s where a number belongs is named as such", (written, message) => {
    const text = baselineWith("replicas: { min: 1, max: 3 }", `replicas: { min: 1, max: ${written} }`);
    const error = loadError(writeStack("non-finite", text));
    expect(error.problems).toEqual([
      {
        path: ["agents", 0, "replicas", "max"],
        message,
        location: `Pulumi.non-finite.yaml:${positionOf(text, written)}`,
      },
    ]);
  });

  it(".nan where a duration belongs", () => {
    const text = baselineWith("{ weight: 50, pause: 30s }", "{ weight: 50, pause: .nan }");
    const error = loadError(writeStack("nan-pause", text));
    expect(error.problems[0]?.message).toBe(
      'got .nan (not a number), which is not a duration (examples: 30s, 5m, 1h30m) or "manual"',
    );
  });

  it.each([
    [
      "{ weight: 50, pause: 30s }",
      "{ weight: 50, pause: 600 }",
      "600 is a number without a unit: write 600s or 10m",
    ],
    ["scaleDownDelay: 1m", "scaleDownDelay: 90", "90 is a number without a unit: write 90s"],
    ["scaleDownDelay: 1m", "scaleDownDelay: 7200", "7200 is a number without a unit: write 7200s or 2h"],
  ])("a duration written as a bare number (%s → %s) is told its unit", (from, to, message) => {
    const error = loadError(writeStack("bare-number", baselineWith(from, to)));
    expect(error.message).toContain(`: ${message}`);
  });
});

describe("missing settings", () => {
  it.each([
    ["resourcePool.cpu", '    cpu: "16"\n', "", "is required (a CPU quantity, examples: 2, 500m, 0.25)"],
    ["environment", "  agent-fleet:environment: dev\n", "", "is required (one of: dev, staging, prod)"],
    [
      "agents[0].strategy.steps[1].weight",
      "{ weight: 50, pause: 30s }",
      "{ pause: 30s }",
      "is required (a percentage, 1-100)",
    ],
    [
      "alerting.receivers.webhook.url",
      "webhook:\n        url: https://alerts.dev.agent-fleet.internal/hook\n",
      "webhook: {}\n",
      "is required (a URL, example: https://hooks.example.com/alerts)",
    ],
    ["agents[0].image", "      image: ghcr.io/agent-fleet/ingest-agent\n", "", "is required (a string)"],
  ])("%s, left out, is called required", (path, from, to, message) => {
    const error = loadError(writeStack("missing-setting", baselineWith(from, to)));
    expect(error.message).toContain(`  - ${path}: ${message}`);
    expect(error.message).not.toMatch(/undefined|Invalid input/);
  });
});

describe("format messages", () => {
  it("a bad hostname says what a hostname looks like, not that a pattern failed", () => {
    const text = baselineWith("hostnames: [ingest.dev.agent-fleet.internal]", "hostnames: [Ingest_Dev]");
    const error = loadError(writeStack("hostname", text));
    expect(error.problems[0]?.message).toMatch(
      /^"Ingest_Dev" is not a hostname: lower-case .*ingest\.example\.com/,
    );
    expect(error.message).not.toMatch(/regex|pattern/i);
  });

  it("a pattern the schema gave no words for is not called a regex", () => {
    const text = baselineWith(
      "  agent-fleet:autoscaling:",
      "  agent-fleet:policy:\n    overrides: { Bad_Name: advisory }\n  agent-fleet:autoscaling:",
    );
    const error = loadError(writeStack("pattern", text));
    expect(error.message).toContain(
      '  - policy.overrides.Bad_Name: the key "Bad_Name" is not in the form this setting takes',
    );
    expect(error.message).not.toMatch(/regex/i);
  });
});
