/** Two agents claiming the same hostname and path prefix on one Gateway. */
import { describe, expect, it } from "vitest";
import { agentAt, linesAfter, type RawFleet } from "./support/baseline.ts";

const INGEST_HOST = "ingest.dev.agent-fleet.internal";

/** Gives the baseline's enrich agent (HTTP, blue-green, same cluster as ingest) a route. */
function enrichRoute(route: Record<string, unknown>, edit: (raw: RawFleet) => void = () => {}) {
  return linesAfter((raw) => {
    agentAt(raw, 1).route = route;
    edit(raw);
  });
}

describe("routes on a Gateway", () => {
  it("the same hostname and path on the same Gateway is rejected, naming both agents", () => {
    const lines = enrichRoute({ hostnames: ["enrich.dev.agent-fleet.internal", INGEST_HOST] });
    expect(lines).toEqual([
      `agents[1].route.hostnames[1]: "${INGEST_HOST}" with path prefix "/" is already claimed by agents[0] ("ingest") ` +
        'on Gateway gateway-system/dev-gateway: the Gateway would send that traffic to only one of "ingest" and "enrich"; ' +
        "use another hostname or a distinct route.pathPrefix",
    ]);
  });

  it("a trailing slash does not make a path prefix distinct", () => {
    const lines = linesAfter((raw) => {
      agentAt(raw, 0).route = { hostnames: [INGEST_HOST], pathPrefix: "/api" };
      agentAt(raw, 1).route = { hostnames: [INGEST_HOST], pathPrefix: "/api/" };
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agents\[1\]\.route\.hostnames\[0\]: /);
    expect(lines[0]).toContain('path prefix "/api/"');
  });

  it("a distinct path prefix on the same hostname is fine (the longest prefix wins)", () => {
    expect(enrichRoute({ hostnames: [INGEST_HOST], pathPrefix: "/enrich" })).toEqual([]);
  });

  it("agents of two clusters that share one Gateway conflict too", () => {
    const gateway = { name: "dev-gateway", namespace: "gateway-system" };
    const lines = enrichRoute({ hostnames: [INGEST_HOST] }, (raw) => {
      raw.clusters.push({ name: "analytics", gateway });
      agentAt(raw, 1).cluster = "analytics";
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('agents[0] ("ingest")');
  });

  it("the same hostname on two different Gateways is fine", () => {
    const gateway = { name: "analytics-gateway", namespace: "gateway-system" };
    const lines = enrichRoute({ hostnames: [INGEST_HOST] }, (raw) => {
      raw.clusters.push({ name: "analytics", gateway });
      agentAt(raw, 1).cluster = "analytics";
    });
    expect(lines).toEqual([]);
  });
});
