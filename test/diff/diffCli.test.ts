/**
 * `npm run diff` through its real CLI: against another checkout (`--base-dir`) and a git revision
 * (`--base`), plain markdown when piped, colour on request, clear errors.
 */
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runProjectCli } from "../../harness/cli.ts";
import { checkoutWith, edit, prodText, removeCheckouts } from "./support.ts";

function runDiff(args: string[]): Promise<CliRun> {
  return runProjectCli("src/cli/diff.ts", args, { NO_COLOR: "", FORCE_COLOR: "" });
}

const ESC = "\u001b[";
let piped: CliRun;
let coloured: CliRun;
let revision: CliRun;
let badRef: CliRun;
let noBase: CliRun;

beforeAll(async () => {
  // The base has an older ingest image, so the working tree's prod stack reads as an image change.
  const base = checkoutWith(
    edit(
      prodText(),
      "image: ghcr.io/agent-fleet/ingest-agent",
      "image: ghcr.io/agent-fleet/ingest-agent-old",
    ),
  );
  [piped, coloured, revision, badRef, noBase] = await Promise.all([
    runDiff(["--stack", "prod", "--base-dir", base]),
    runDiff(["--stack", "prod", "--base-dir", base, "--color", "always"]),
    runDiff(["--stack", "prod", "--base", "HEAD"]),
    runDiff(["--stack", "prod", "--base", "no-such-ref-anywhere"]),
    runDiff(["--stack", "prod"]),
  ]);
});
afterAll(removeCheckouts);

describe("npm run diff", () => {
  it("prints plain markdown with just the change when piped", () => {
    expect(piped.status).toBe(0);
    expect(piped.stdout).not.toContain(ESC);
    expect(piped.stdout).toMatch(/^### agent-fleet diff · prod\n/);
    expect(piped.stdout).toContain("**Risk:** prod: 1 agent changes image; 1 canary release will start");
    expect(piped.stdout).toContain("ingest-agent-old@sha256:");
    expect(piped.stdout.match(/^\*\*[~+-] /gm)).toHaveLength(1);
  });

  it("adds colour when asked (and on a terminal)", () => {
    expect(coloured.status).toBe(0);
    expect(coloured.stdout).toContain(`${ESC}33m~${ESC}39m`);
    expect(stripVTControlCharacters(coloured.stdout)).toBe(piped.stdout);
  });

  it("renders the base from a git revision", () => {
    expect(revision.stderr).toBe("");
    expect(revision.status).toBe(0);
    expect(revision.stdout).toContain("`HEAD` → working tree");
    expect(revision.stdout).toMatch(/\*\*Risk:\*\* prod: /);
  });

  it("fails clearly on an unknown revision or a missing base", () => {
    expect(badRef.status).toBe(1);
    expect(badRef.stderr).toContain("--base no-such-ref-anywhere is not a commit");
    expect(noBase.status).toBe(1);
    expect(noBase.stderr).toContain("give exactly one of --base and --base-dir");
  });
});
