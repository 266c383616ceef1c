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
    expect(monitoringChildren).toHaveLength(run.rendered.monitoring?.length ?? -1);
    expect(alertingChildren).toHaveLength(run.rendered.alerting?.length ?? -1);
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

  it("generates the webhook bearer token the stack does not set, and keeps it secret", async () => {
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

  it("exposes the config Secret name and the rule names as outputs", async () => {
    expect(await promiseOf(run.defined.alerting.configSecretName)).toBe("alertmanager-agent-fleet");
    expect(await promiseOf(run.defined.monitoring.ruleNames)).toContain("monitoring/agent-fleet-slo");
  });
});
