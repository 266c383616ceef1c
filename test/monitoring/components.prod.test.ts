import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { promiseOf, runMonitoringUnderMocks } from "./support/mockedMonitoring.ts";

type Run = Awaited<ReturnType<typeof runMonitoringUnderMocks>>;

/** Pulumi's wire marker of a secret value (`specialSigKey` → `specialSecretSig`). */
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

function alertmanagerYamlOf(run: Run): { secret: boolean; text: string } {
  const secret = run.resources.find((resource) => resource.type === "kubernetes:core/v1:Secret");
  const stringData = secret?.inputs.stringData as Record<string, unknown>;
  const isSecret = Object.entries(SECRET_SIG).every(([key, value]) => stringData[key] === value);
  const plain = (isSecret ? stringData.value : stringData) as Record<string, string>;
  return { secret: isSecret, text: plain["alertmanager.yaml"] ?? "" };
}

describe("Monitoring and Alerting components under mocks: prod stack", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runMonitoringUnderMocks("prod");
  });

  it("register the two components with their type tokens", () => {
    const types = run.resources.map((resource) => resource.type);
    expect(types).toContain("agent-fleet:index:Monitoring");
    expect(types).toContain("agent-fleet:index:Alerting");
  });

  it("parent every rendered monitoring and alerting object to its component", () => {
    const monitoringChildren = run.urns.filter((urn) => urn.includes("agent-fleet:index:Monitoring$"));
    const alertingChildren = run.urns.filter((urn) => urn.includes("agent-fleet:index:Alerting$"));
    expect(monitoringChildren).toHaveLength(run.rendered.monitoring.length);
    expect(alertingChildren).toHaveLength(run.rendered.alerting.length);
    expect(monitoringChildren.some((urn) => urn.includes("PrometheusRule"))).toBe(true);
    expect(monitoringChildren.some((urn) => urn.includes("PodMonitor"))).toBe(true);
    expect(alertingChildren.some((urn) => urn.includes("kubernetes:core/v1:Secret"))).toBe(true);
  });

  it("fills the Alertmanager Secret from the stack's secrets, as a secret: no placeholder survives", () => {
    const { secret, text } = alertmanagerYamlOf(run);
    expect(secret).toBe(true);
    expect(text).not.toContain("<secret:");
    const config = parse(text);
    expect(config.global.slack_api_url).toBe("mock-secret-value-for-agent-fleet:slackApiUrl");
    expect(config.global.smtp_auth_password).toBe("mock-secret-value-for-agent-fleet:smtpPassword");
    expect(
      config.receivers.find((r: { name: string }) => r.name === "oncall").pagerduty_configs[0].routing_key,
    ).toBe("mock-secret-value-for-agent-fleet:pagerdutyRoutingKey");
  });

  it("sends the stack's webhook bearer token and generates none (bearerToken: secret, the default)", async () => {
    expect(run.resources.some((resource) => resource.type.startsWith("random:"))).toBe(false);
    const token = run.defined.alerting.webhookBearerToken;
    expect(token && (await pulumi.isSecret(token))).toBe(true);
    const config = parse(alertmanagerYamlOf(run).text);
    const webhook = config.receivers.find((r: { name: string }) => r.name === "webhook");
    expect(webhook.webhook_configs[0].http_config.authorization.credentials).toBe(
      "mock-secret-value-for-agent-fleet:webhookBearerToken",
    );
  });

  it("exposes the config Secret name and the rule names as outputs", async () => {
    expect(await promiseOf(run.defined.alerting.configSecretName)).toBe("alertmanager-agent-fleet");
    expect(await promiseOf(run.defined.monitoring.ruleNames)).toContain("monitoring/agent-fleet-slo");
  });
});

/** The prod alerting config with the webhook's token mode changed, the stack setting no token. */
function prodAlertingWith(bearerToken: string): Record<string, string> {
  const alerting = {
    receivers: {
      email: {
        to: ["data-platform@example.com"],
        from: "alertmanager@example.com",
        smarthost: "smtp.example.com:587",
        authUsername: "alertmanager@example.com",
      },
      slack: { channel: "#data-fleet-alerts" },
      pagerduty: {},
      webhook: { url: "https://hooks.example.com/agent-fleet/alerts", bearerToken },
    },
  };
  return { "agent-fleet:alerting": JSON.stringify(alerting) };
}

describe("webhook bearer token: generate (opt-in, needs the random provider plugin)", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runMonitoringUnderMocks(
      "prod",
      prodAlertingWith("generate"),
      [],
      ["agent-fleet:webhookBearerToken"],
    );
  });

  it("creates one RandomPassword and keeps the token secret", async () => {
    const generated = run.resources.filter(
      (resource) => resource.type === "random:index/randomPassword:RandomPassword",
    );
    expect(generated.map((resource) => resource.name)).toEqual(["alerting-webhook-bearer-token"]);
    expect(generated[0]?.inputs).toMatchObject({ length: 48, special: false });
    const token = run.defined.alerting.webhookBearerToken;
    expect(token && (await pulumi.isSecret(token))).toBe(true);
    const config = parse(alertmanagerYamlOf(run).text);
    const webhook = config.receivers.find((r: { name: string }) => r.name === "webhook");
    expect(webhook.webhook_configs[0].http_config.authorization.credentials).toBe("generated-token");
  });
});

describe("webhook bearer token: none", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runMonitoringUnderMocks(
      "prod",
      prodAlertingWith("none"),
      [],
      ["agent-fleet:webhookBearerToken"],
    );
  });

  it("sends no Authorization header, generates nothing and needs no secret", () => {
    expect(run.resources.some((resource) => resource.type.startsWith("random:"))).toBe(false);
    expect(run.defined.alerting.webhookBearerToken).toBeUndefined();
    const config = parse(alertmanagerYamlOf(run).text);
    const webhook = config.receivers.find((r: { name: string }) => r.name === "webhook");
    expect(webhook.webhook_configs[0]).toEqual({
      url: "https://hooks.example.com/agent-fleet/alerts",
      send_resolved: true,
    });
  });
});
