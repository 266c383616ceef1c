/** The diff's building blocks: field paths, secret masking, line diffs and colour. */
import { describe, expect, it } from "vitest";
import { fieldChanges, flatten } from "../../src/diff/fields.ts";
import { lineDiff } from "../../src/diff/lineDiff.ts";
import { formatDiff } from "../../src/diff/markdown.ts";
import { diffObjects } from "../../src/diff/objects.ts";
import { ANSI, PLAIN, paletteFor } from "../../src/diff/palette.ts";
import { diffAlerting } from "../../src/diff/routes.ts";
import type { KubeObject } from "../../src/manifests/types.ts";

describe("field paths", () => {
  it("keys named list items by name, and compares scalar lists as one value", () => {
    const fields = flatten({
      containers: [{ name: "agent", image: "a:1", args: ["--x", "--y"] }],
      metadata: { labels: { "app.kubernetes.io/name": "ingest" } },
    });
    expect([...fields]).toEqual([
      ["containers[agent].name", "agent"],
      ["containers[agent].image", "a:1"],
      ["containers[agent].args", '["--x","--y"]'],
      ['metadata.labels["app.kubernetes.io/name"]', "ingest"],
    ]);
  });

  it("falls back to indexes when names repeat, and reports added and removed fields", () => {
    const before = {
      rules: [
        { name: "r", x: 1 },
        { name: "r", x: 2 },
      ],
      gone: true,
    };
    const after = {
      rules: [
        { name: "r", x: 1 },
        { name: "r", x: 3 },
      ],
      added: "yes",
    };
    expect(fieldChanges(before, after)).toEqual([
      { path: "added", after: "yes" },
      { path: "gone", before: true },
      { path: "rules[1].x", before: 2, after: 3 },
    ]);
  });
});

describe("secrets", () => {
  const secret = (password: string): KubeObject => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "smtp", namespace: "monitoring" },
    data: { password },
  });
  const config = (password: string): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "relay", namespace: "monitoring" },
    data: { smtp_auth_password: password, host: "smtp.example.com" },
  });

  it("never prints Secret data or credential fields, only that they changed", () => {
    const diff = diffObjects(
      [secret("aHVudGVyMg=="), config("hunter2")],
      [secret("c3dvcmRmaXNo"), config("swordfish")],
    );
    const text = formatDiff(
      { stack: "prod", objects: diff, rules: [], alerting: diffAlerting({}, {}) },
      { base: "main", head: "working tree" },
    );
    for (const value of ["aHVudGVyMg==", "c3dvcmRmaXNo", "hunter2", "swordfish"])
      expect(text).not.toContain(value);
    expect(text).toContain("| `data.password` (secret) | `••••••` | `••••••` |");
    expect(text).toContain("| `data.smtp_auth_password` (secret) | `••••••` | `••••••` |");
  });

  it("names credential fields of Alertmanager receivers without their values", () => {
    const receiver = (key: string) => ({
      receivers: [{ name: "oncall", pagerduty_configs: [{ routing_key: key }] }],
    });
    const { receivers } = diffAlerting(receiver("old-key"), receiver("new-key"));
    expect(receivers).toEqual([
      { name: "oncall", change: "changed", fields: ["pagerduty_configs[0].routing_key (secret)"] },
    ]);
  });
});

describe("line diff", () => {
  it("keeps common lines and shows removals before additions", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { op: " ", text: "a" },
      { op: "-", text: "b" },
      { op: "+", text: "B" },
      { op: " ", text: "c" },
      { op: "+", text: "d" },
    ]);
  });
});

describe("colour", () => {
  it("is on for terminals only, and NO_COLOR / FORCE_COLOR / --color decide over that", () => {
    expect(paletteFor("auto", true, {})).toBe(ANSI);
    expect(paletteFor("auto", false, {})).toBe(PLAIN);
    expect(paletteFor("auto", true, { NO_COLOR: "1" })).toBe(PLAIN);
    expect(paletteFor("auto", false, { FORCE_COLOR: "1" })).toBe(ANSI);
    expect(paletteFor("never", true, { FORCE_COLOR: "1" })).toBe(PLAIN);
    expect(paletteFor("always", false, { NO_COLOR: "1" })).toBe(ANSI);
  });
});
