import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configReferenceRows, withConfigReference } from "../../src/config/reference.ts";

describe("README configuration reference", () => {
  it("is the one generated from the schema (run `npm run docs:config` after changing it)", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(withConfigReference(readme)).toBe(readme);
  });

  it("lists every key with REQUIREMENTS defaults", () => {
    const rows = new Map(configReferenceRows().map((row) => [row.key, row.default]));
    expect(rows.get("agents[].throughputTarget")).toBe("`10000`");
    expect(rows.get("agents[].maxConcurrentStreams")).toBe("`16`");
    expect(rows.get("agents[].resources.limits.memory")).toBe('`"4Gi"`');
    expect(rows.get("monitoring.retention")).toBe('`"30d"`');
    expect(rows.get("slackApiUrl")).toBe("");
  });
});
