/**
 * The bad-config corpus: every `test/fixtures/bad-config/Pulumi.<case>.yaml` is a complete stack file
 * with one deliberate defect (or several, where the case says so). Its first lines name the exact
 * formatted path(s) the loader must report: `# expect: agents[2].resources.limits.cpu`. A few cases
 * are not valid UTF-8 on purpose; they are read here with U+FFFD in place of the bad bytes, which
 * leaves their `# expect:` lines and the rest of their structure intact.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listFiles, PROJECT_DIR, runRenderCli } from "../../harness/renderCli.ts";
import { FleetConfigError, formatPath, loadStackFile } from "../../src/config/index.ts";
import type { ConfigPath } from "../../src/config/problems.ts";

const CORPUS_DIR = join(PROJECT_DIR, "test", "fixtures", "bad-config");
const BASELINE_DIR = join(CORPUS_DIR, "valid");
const EXPECT_PREFIX = "# expect: ";

interface BadConfigCase {
  name: string;
  file: string;
  text: string;
  expectedPaths: string[];
}

function readCorpus(): BadConfigCase[] {
  return readdirSync(CORPUS_DIR)
    .filter((entry) => /^Pulumi\..+\.yaml$/.test(entry))
    .sort()
    .map((entry) => {
      const file = join(CORPUS_DIR, entry);
      const text = readFileSync(file, "utf8");
      return {
        name: entry.slice("Pulumi.".length, -".yaml".length),
        file,
        text,
        expectedPaths: expects(text),
      };
    });
}

/** The leading `# expect: <path>` lines; the contract only allows them at the top of the file. */
function expects(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith(EXPECT_PREFIX)) break;
    paths.push(line.slice(EXPECT_PREFIX.length).trim());
  }
  return paths;
}

function loadError(file: string): FleetConfigError {
  try {
    loadStackFile(file);
  } catch (error) {
    if (error instanceof FleetConfigError) return error;
    throw new Error(`expected a FleetConfigError, got: ${String(error)}`);
  }
  throw new Error(`${file} loaded without an error`);
}

/**
 * Whether the stack file itself contains a value at a config path (missing values have no line).
 * A key in a foreign namespace (`myproj:agents`) is its own path; merge keys are applied, as the
 * loader applies them. `text` may hold U+FFFD where a case has bytes that are not UTF-8.
 */
function presentInFile(text: string, path: ConfigPath): boolean {
  const [key, ...rest] = path;
  const fullKey = String(key).includes(":") ? String(key) : `agent-fleet:${key}`;
  const document = parse(text, { merge: true, maxAliasCount: -1 }) as { config?: Record<string, unknown> };
  let current: unknown = document.config?.[fullKey];
  for (const segment of rest) {
    if (current === null || typeof current !== "object") return false;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current !== undefined;
}

const corpus = readCorpus();

describe("the bad-config corpus", () => {
  it("has at least 25 cases, each starting with `# expect: <path>`", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    for (const badCase of corpus) {
      expect(badCase.text.startsWith(EXPECT_PREFIX), badCase.name).toBe(true);
      expect(badCase.expectedPaths.every((path) => path.length > 0)).toBe(true);
    }
  });

  it("keeps cases that show several problems reported in one run", () => {
    const severalProblems = corpus.filter((badCase) => badCase.expectedPaths.length >= 3);
    expect(severalProblems.length).toBeGreaterThanOrEqual(1);
  });

  // Each case is a one-line change to a baseline: if a baseline broke, every case would "pass" for the wrong reason.
  it.each(readdirSync(BASELINE_DIR).sort())("baseline %s is valid", (entry) => {
    expect(() => loadStackFile(join(BASELINE_DIR, entry))).not.toThrow();
  });
});

describe.each(corpus)("bad config $name", ({ name, file, text, expectedPaths }) => {
  it("is rejected with exactly the expected path(s)", () => {
    const error = loadError(file);
    expect([...error.paths].sort()).toEqual([...expectedPaths].sort());
    if (expectedPaths.length === 1) expect(formatPath(error.problems[0]?.path ?? [])).toBe(expectedPaths[0]);
  });

  it("names every expected path in the message, with file:line:col when the value is in the file", () => {
    const error = loadError(file);
    for (const path of expectedPaths) expect(error.message).toContain(`  - ${path}: `);
    for (const problem of error.problems) {
      if (presentInFile(text, problem.path)) {
        expect(problem.location).toMatch(new RegExp(`^Pulumi\\.${name}\\.yaml:\\d+:\\d+$`));
        expect(error.message).toContain(`(${problem.location})`);
      } else {
        expect(problem.location).toBeUndefined();
      }
    }
  });
});

describe("the render CLI on bad config", () => {
  const scratch = mkdtempSync(join(tmpdir(), "bad-config-render-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // Concurrent: one child process per case, a few at a time, keeps the whole corpus well under 40 s.
  it.concurrent.for(corpus)(
    "$name: exits non-zero, names the path, writes nothing",
    async (badCase, context) => {
      const outDir = join(scratch, badCase.name);
      const run = await runRenderCli(badCase.file, outDir);
      context.expect(run.status).toBe(1);
      for (const path of badCase.expectedPaths) context.expect(run.stderr).toContain(`  - ${path}: `);
      context.expect(run.stderr).not.toMatch(/^\s+at /m); // a config error, not a stack trace
      context.expect(listFiles(join(outDir, "manifests"))).toEqual([]);
      context.expect(listFiles(outDir)).toEqual([]);
    },
  );
});
