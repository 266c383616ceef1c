import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { renderStack } from "../../src/render/renderStack.ts";

const PROJECT = join(import.meta.dirname, "..", "..");

describe("offline render of monitoring and alerting (prod)", () => {
  const { files, rendered } = renderStack("prod", PROJECT);

  it("writes a plain Prometheus rule file equal to the PrometheusRule objects' groups", () => {
    const rules = parse(files.get("prometheus/rules.yaml") ?? "") as { groups: Array<{ name: string }> };
    const fromObjects = rendered.monitoring
      .filter((object) => object.kind === "PrometheusRule")
      .flatMap((object) => (object.spec as { groups: unknown[] }).groups);
    expect(rules.groups).toEqual(fromObjects);
    expect(Object.keys(rules)).toEqual(["groups"]);
  });

  it("writes a plain Alertmanager config with marked placeholders and no ciphertext", () => {
    const text = files.get("alertmanager/alertmanager.yaml") ?? "";
    expect(Object.keys(parse(text))).toEqual(["global", "route", "receivers", "inhibit_rules"]);
    expect(text).toContain("<secret:pagerdutyRoutingKey>");
    expect(text).toContain("https://secret.invalid/<secret:slackApiUrl>");
    expect(text).not.toMatch(/AAAB/);
  });

  it("writes the Grafana dashboards as JSON files", () => {
    const dashboards = [...files.keys()].filter((path) => path.startsWith("grafana/")).sort();
    expect(dashboards).toEqual(["grafana/agent-fleet-agent.json", "grafana/agent-fleet-overview.json"]);
    for (const path of dashboards) expect(JSON.parse(files.get(path) ?? "").refresh).toBe("30s");
  });

  it("puts the monitoring objects in manifests/60-monitoring.yaml and the config Secret in manifests/70-alerting.yaml", () => {
    const kinds = (path: string) =>
      parseAllDocuments(files.get(path) ?? "").map((document) => (document.toJS() as { kind: string }).kind);
    expect(new Set(kinds("manifests/60-monitoring.yaml"))).toEqual(
      new Set(["PrometheusRule", "PodMonitor", "ConfigMap"]),
    );
    expect(kinds("manifests/70-alerting.yaml")).toEqual(["Secret"]);
  });
});
