/** Route hostnames the Gateway API would refuse, caught by the schema. */
import { describe, expect, it } from "vitest";
import { agentAt, linesAfter } from "./support/baseline.ts";

function enrichRoute(route: Record<string, unknown>) {
  return linesAfter((raw) => {
    agentAt(raw, 1).route = route;
  });
}

describe("route hostnames", () => {
  it.each([
    [`${"a".repeat(64)}.example.com`, "63"],
    ["ingest..example.com", "hostname"],
    [`${"abcdefghi.".repeat(25)}example.com`, "253"],
  ])("%s is rejected by the schema", (hostname, text) => {
    const lines = enrichRoute({ hostnames: [hostname] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[1\]\.route\.hostnames\[0\]: /);
    expect(lines[0]).toContain(text);
  });

  it("wildcard and ordinary hostnames stay accepted", () => {
    expect(enrichRoute({ hostnames: ["*.dev.agent-fleet.internal", "a-b.c1.example"] })).toEqual([]);
  });
});
