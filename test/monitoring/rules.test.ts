import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { describe, expect, it } from "vitest";
import type { Duration } from "../../src/config/index.ts";
import { parseFleetConfig } from "../../src/config/index.ts";
import { renderMonitoring } from "../../src/manifests/monitoring/index.ts";
import { buildPrometheusRules, buildRuleAreas } from "../../src/manifests/monitoring/rules/index.ts";
import { AGENT_INVENTORY } from "../../src/manifests/monitoring/rules/promql.ts";
import { alertingRules, SEVERITIES } from "../../src/manifests/monitoring/rules/ruleTypes.ts";
import { RUNBOOK_PAGES } from "../../src/manifests/monitoring/rules/runbooks.ts";
import {
  SLO_OBJECTIVE,
  thresholdRules,
  thresholdSeries,
} from "../../src/manifests/monitoring/rules/thresholds.ts";
import { fixtureFleet, stackFleet } from "./support/fleets.ts";

const RUNBOOKS = join(import.meta.dirname, "..", "..", "docs", "runbooks");

describe("alert rules", () => {
  const fleet = stackFleet("prod");
  const alerts = alertingRules(renderMonitoring(fleet).ruleFile.groups);

  it("has every alert of REQUIREMENTS.md §3 plus the controller alerts", () => {
    expect(new Set(alerts.map((alert) => alert.alert))).toEqual(new Set(Object.keys(RUNBOOK_PAGES)));
    expect(
      alerts.filter((alert) => alert.alert === "AgentErrorBudgetBurn").map((a) => a.labels.severity),
    ).toEqual(["critical", "warning"]);
  });

  it("every alert has a known severity, a summary, a description and a runbook in docs/runbooks", () => {
    for (const alert of alerts) {
      expect(SEVERITIES).toContain(alert.labels.severity);
      expect(alert.annotations.summary).toMatch(/^[A-Z].*\.$/);
      expect(alert.annotations.description.length).toBeGreaterThan(alert.annotations.summary.length);
      // Per-agent alerts name the agent they fire for.
      if (alert.labels.agent === undefined)
        expect(alert.annotations.description).toContain("{{ $labels.agent }}");
      const page = alert.annotations.runbook_url?.replace(`${fleet.monitoring.runbookBaseUrl}/`, "") ?? "";
      expect(existsSync(join(RUNBOOKS, page)), `${alert.alert}: ${page}`).toBe(true);
      expect(readFileSync(join(RUNBOOKS, page), "utf8")).toContain(alert.alert);
    }
  });

  it("takes `for:` durations from monitoring.durations", () => {
    const custom = fixtureFleet("rules");
    const slower = {
      ...custom,
      monitoring: {
        ...custom.monitoring,
        durations: {
          ...custom.monitoring.durations,
          latencyWarning: "7m" as Duration,
          unhealthy: "3m" as Duration,
          rolloutStuck: "2h" as Duration,
        },
      },
    };
    const byName = (name: string) =>
      alertingRules(renderMonitoring(slower).ruleFile.groups).find((a) => a.alert === name);
    expect(byName("AgentLatencyHigh")?.for).toBe("7m");
    expect(byName("AgentUnhealthy")?.for).toBe("3m");
    expect(byName("AgentRolloutStuck")?.for).toBe("2h");
    expect(byName("AgentLatencyHigh")?.annotations.description).toContain("for 7m");
  });
});

describe("per-agent thresholds and objectives", () => {
  const fleet = fixtureFleet("rules");
  const group = thresholdRules(fleet);
  const exprOf = (record: string, slo?: string) =>
    group.rules.find((rule) => "record" in rule && rule.record === record && rule.labels?.slo === slo)
      ?.expr ?? "";

  it("overriding agents get an explicit series; every other agent the fleet default", () => {
    const errorRate = exprOf(thresholdSeries("errorRate"));
    expect(errorRate).toContain(
      'label_replace(label_replace(vector(0.01), "namespace", "data-processing", "", ""), "agent", "claims", "", "")',
    );
    expect(errorRate).toContain("or on(namespace, agent)");
    expect(errorRate).toContain(`0.05 * ${AGENT_INVENTORY}`);
    expect(errorRate).not.toContain('"ingest"');
    // A kind nobody overrides is the default alone.
    expect(exprOf(thresholdSeries("queueDepthCritical"))).toBe(`50000 * ${AGENT_INVENTORY}`);
  });

  it("SLO objectives and latency buckets follow the same pattern, with both `le` spellings", () => {
    expect(exprOf(SLO_OBJECTIVE, "availability")).toContain("vector(0.9995)");
    expect(exprOf(SLO_OBJECTIVE, "latency")).toBe(`0.99 * ${AGENT_INVENTORY}`);
    const buckets = exprOf("namespace_agent_le:slo_latency_threshold_seconds:info");
    expect(buckets).toContain('"le", "0.5"');
    expect(buckets).toContain('"le", "1"');
    expect(buckets).toContain('"le", "1.0"');
  });

  it("rejects a per-agent SLO window, naming the config path", () => {
    const raw = {
      environment: "dev",
      resourcePool: { cpu: "8", memory: "32Gi", storage: "1Ti" },
      agents: [
        { id: "a", image: "ghcr.io/x/a", version: "1.0.0", replicas: { min: 1, max: 1 } },
        {
          id: "b",
          image: "ghcr.io/x/b",
          version: "1.0.0",
          replicas: { min: 1, max: 1 },
          slo: { window: "7d" },
        },
      ],
    };
    expect(() => thresholdRules(parseFleetConfig(raw, { source: "test" }))).toThrow(
      /agents\[1\]\.slo\.window: "7d"/,
    );
  });
});

describe("PrometheusRule objects", () => {
  const fleet = stackFleet("prod");
  const areas = buildRuleAreas(fleet);
  const objects = buildPrometheusRules(fleet, areas);

  it("carry the selector labels the cluster's Prometheus selects by, and the same groups as rules.yaml", () => {
    expect(objects.map((object) => object.metadata.name)).toEqual([
      "agent-fleet-thresholds",
      "agent-fleet-agents",
      "agent-fleet-resources",
      "agent-fleet-slo",
      "agent-fleet-controller",
      // prod declares a scheduled scale-up.
      "agent-fleet-autoscaling",
    ]);
    for (const object of objects) {
      expect(object.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
      expect(object.metadata.namespace).toBe("monitoring");
    }
    const groups = objects.flatMap((object) => (object.spec as { groups: unknown[] }).groups);
    expect(groups).toEqual(renderMonitoring(fleet).ruleFile.groups);
  });

  it("validate against the prometheus-operator schema", () => {
    for (const object of objects) expect(() => new PrometheusRule(object as never).validate()).not.toThrow();
  });
});
