import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadStack, loadStackFile, parseFleetConfig, SecretRef } from "../../src/config/index.ts";

describe("the real stack files", () => {
  it("dev: 2-3 small agents in one namespace, advisory policies, webhook-only alerting", () => {
    const { fleet } = loadStack("dev");
    expect(fleet.environment).toBe("dev");
    expect(fleet.agents.length).toBeGreaterThanOrEqual(2);
    expect(fleet.agents.length).toBeLessThanOrEqual(3);
    expect(fleet.clusters).toHaveLength(1);
    expect(fleet.policy.enforcement).toBe("advisory");
    expect(Object.keys(fleet.alerting.receivers)).toEqual(["webhook"]);
  });

  it("prod: ≥ 6 agents over 2 clusters with GPU, canary, blue-green, external and hipaa agents", () => {
    const { fleet } = loadStack("prod");
    expect(fleet.agents.length).toBeGreaterThanOrEqual(6);
    expect(new Set(fleet.agents.map((agent) => agent.cluster)).size).toBe(2);
    expect(fleet.agents.some((agent) => agent.resources.limits.gpu > 0)).toBe(true);
    expect(fleet.agents.some((agent) => agent.strategy.type === "canary")).toBe(true);
    expect(fleet.agents.some((agent) => agent.strategy.type === "blueGreen")).toBe(true);
    expect(fleet.agents.some((agent) => agent.externalAccess)).toBe(true);
    expect(fleet.agents.some((agent) => agent.complianceTags.includes("hipaa"))).toBe(true);
    expect(fleet.policy.enforcement).toBe("mandatory");
    expect(Object.keys(fleet.alerting.receivers).sort()).toEqual(["email", "pagerduty", "slack", "webhook"]);
  });

  it("prod credentials are not in the stack file; the offline loader names the ones the backend must hold", () => {
    expect(readFileSync("Pulumi.prod.yaml", "utf8")).not.toMatch(/secure:|slackApiUrl:|AAAB/);
    const { fleet, secretsNote } = loadStack("prod");
    const keys = ["slackApiUrl", "pagerdutyRoutingKey", "smtpPassword", "webhookBearerToken"] as const;
    for (const key of keys) {
      expect(fleet[key]).toBeUndefined();
      expect(secretsNote).toContain(`pulumi config set --stack prod --secret ${key} <value>`);
    }
    // Offline, every declared receiver is still rendered (with placeholders).
    expect(Object.keys(fleet.alerting.receivers).sort()).toEqual(["email", "pagerduty", "slack", "webhook"]);
    expect(secretsNote).toContain("stops before creating anything");
  });

  it("dev: the webhook's token is the one secret, noted but not an error offline", () => {
    const { fleet, secretsNote } = loadStack("dev");
    expect(fleet.alerting.receivers.webhook?.bearerToken).toBe("secret");
    expect(secretsNote).toBe(
      [
        "note: stack dev must hold this secret in its Pulumi config (offline output has placeholders):",
        "  - webhookBearerToken  for alerting.receivers.webhook  pulumi config set --stack dev --secret webhookBearerToken <value>",
        "  without them, `pulumi preview`/`up` turns those receivers off with a warning.",
      ].join("\n"),
    );
  });

  it("a secret that is `secure:` in the file is not noted", () => {
    const loaded = loadStackFile("test/fixtures/bad-config/valid/Pulumi.prod-baseline.yaml");
    expect(loaded.fleet.slackApiUrl).toBeInstanceOf(SecretRef);
    expect(loaded.secretsNote).not.toContain("slackApiUrl");
    expect(loaded.secretsNote).toContain("webhookBearerToken");
  });

  it("applies REQUIREMENTS.md defaults from the schema", () => {
    const { fleet } = loadStack("prod");
    const partnerApi = fleet.agents.find((agent) => agent.id === "partner-api");
    const ingest = fleet.agents.find((agent) => agent.id === "ingest");
    expect(partnerApi?.maxConcurrentStreams).toBe(16);
    expect(partnerApi?.resources.limits.gpu).toBe(0);
    expect(partnerApi?.strategy).toEqual({ type: "rolling" });
    expect(ingest?.strategy.type === "canary" && ingest.strategy.steps.map((step) => step.weight)).toEqual([
      5, 25, 50, 100,
    ]);
    expect(fleet.autoscaling).toMatchObject({ cpuUtilizationPercent: 75, memoryUtilizationPercent: 80 });
    expect(fleet.monitoring.thresholds).toMatchObject({
      latencyP95WarningSeconds: 5,
      latencyP95CriticalSeconds: 15,
      errorRate: 0.05,
      queueDepthCritical: 50000,
      dataQualityMin: 0.95,
    });
    expect(fleet.monitoring.retention).toBe("30d");
  });

  it("merges per-agent overrides over fleet defaults", () => {
    const { fleet } = loadStack("prod");
    const claims = fleet.agents.find((agent) => agent.id === "claims-processor");
    expect(claims?.alertThresholds.errorRate).toBe(0.01);
    expect(claims?.alertThresholds.latencyP95WarningSeconds).toBe(5);
    expect(claims?.strategy.type === "canary" && claims.strategy.analysis.maxErrorRate).toBe(0.001);
    expect(claims?.strategy.type === "canary" && claims.strategy.analysis.interval).toBe("1m");
  });
});

describe("per-agent overrides", () => {
  it("inherit every field they do not set from the fleet, not from schema defaults", () => {
    const fleet = parseFleetConfig(
      {
        environment: "dev",
        resourcePool: { cpu: "64", memory: "256Gi", storage: "10Ti" },
        monitoring: { thresholds: { queueDepthCritical: 20000 }, slo: { availability: 0.99 } },
        release: { analysis: { interval: "30s", maxErrorRate: 0.02 } },
        agents: [
          {
            id: "a",
            image: "example/a",
            version: "1.0.0",
            alertThresholds: { errorRate: 0.01 },
            slo: { latency: 0.95 },
            strategy: { type: "canary", analysis: { minDataQuality: 0.9 } },
          },
        ],
      },
      { source: "test" },
    );
    const [agent] = fleet.agents;
    expect(agent?.alertThresholds).toMatchObject({ errorRate: 0.01, queueDepthCritical: 20000 });
    expect(agent?.slo).toMatchObject({ availability: 0.99, latency: 0.95 });
    expect(agent?.strategy.type === "canary" && agent.strategy.analysis).toMatchObject({
      interval: "30s",
      maxErrorRate: 0.02,
      minDataQuality: 0.9,
    });
  });
});
