/**
 * A receiver whose credential the stack does not set: the Pulumi program (which knows what the
 * backend holds) turns it off with one warning outside prod and stops in prod, naming every key;
 * the offline loader keeps it and only notes the secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { engineConfigOf } from "../../harness/pulumiStack.ts";
import { FleetConfigError, loadStack, stackFilePath } from "../../src/config/index.ts";
import { loadFleetFromPulumi } from "../../src/config/pulumiConfig.ts";
import { buildAlertmanagerConfig } from "../../src/manifests/monitoring/alerting/alertmanagerReceivers.ts";

/** Loads a stack through the engine loader with exactly these secrets set (plus `overrides`). */
async function loadUnderEngine(
  stack: "dev" | "prod",
  secrets: Record<string, string>,
  overrides: Record<string, string> = {},
  plaintext: Record<string, string> = {},
) {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
    "agent-fleet",
    stack,
    false,
  );
  const { config } = engineConfigOf(stackFilePath(stack), { backendSecrets: false });
  const prefixed = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [`agent-fleet:${key}`, value]));
  pulumi.runtime.setAllConfig(
    { ...config, ...overrides, ...prefixed(secrets), ...prefixed(plaintext) },
    Object.keys(prefixed(secrets)),
  );
  const warnings: string[] = [];
  const fleet = loadFleetFromPulumi({ warn: (message) => warnings.push(message) });
  return { fleet, warnings };
}

function loadError(run: () => Promise<unknown>): Promise<FleetConfigError> {
  return run().then(
    () => {
      throw new Error("loaded without an error");
    },
    (error: unknown) => {
      if (error instanceof FleetConfigError) return error;
      throw error;
    },
  );
}

describe("the Pulumi program's loader: receivers without their secret", () => {
  it("dev: turns the webhook off with one warning naming the receiver, the key and the command", async () => {
    const { fleet, warnings } = await loadUnderEngine("dev", {});
    expect(fleet.alerting.receivers.webhook).toBeUndefined();
    expect(warnings).toEqual([
      [
        "stack dev lacks the secrets of 1 alert receiver, so alerts go only to the receivers left (or nowhere):",
        "  - alerting.receivers.webhook is off: it needs the secret `webhookBearerToken`; run `pulumi config set --secret webhookBearerToken <value>`",
        'In a prod stack this is an error. (Webhook without a secret: set alerting.receivers.webhook.bearerToken to "generate" or "none".)',
      ].join("\n"),
    ]);
    // Routing falls back as for a receiver never declared: dev alerts go to the blackhole.
    const routes = buildAlertmanagerConfig(fleet).route.routes ?? [];
    expect(routes.map((route) => route.receiver)).toEqual([
      "blackhole",
      "blackhole",
      "blackhole",
      "blackhole",
    ]);
    expect(buildAlertmanagerConfig(fleet).receivers.map((receiver) => receiver.name)).toEqual(["blackhole"]);
  });

  it("dev with the secret set: keeps the webhook and warns about nothing", async () => {
    const { fleet, warnings } = await loadUnderEngine("dev", { webhookBearerToken: "t0ken" });
    expect(fleet.alerting.receivers.webhook?.url).toBe("https://alerts.dev.agent-fleet.internal/hook");
    expect(warnings).toEqual([]);
  });

  it("dev with bearerToken none or generate: needs no secret", async () => {
    for (const bearerToken of ["none", "generate"]) {
      const alerting = {
        receivers: { webhook: { url: "https://alerts.dev.agent-fleet.internal/hook", bearerToken } },
      };
      const { fleet, warnings } = await loadUnderEngine(
        "dev",
        {},
        { "agent-fleet:alerting": JSON.stringify(alerting) },
      );
      expect(fleet.alerting.receivers.webhook?.bearerToken).toBe(bearerToken);
      expect(warnings).toEqual([]);
    }
  });

  it("prod: stops with every missing key and the command that sets it", async () => {
    const error = await loadError(() =>
      loadUnderEngine("prod", { slackApiUrl: "https://hooks.slack.com/x" }),
    );
    expect(error.paths).toEqual([
      "alerting.receivers.pagerduty",
      "alerting.receivers.email",
      "alerting.receivers.webhook",
    ]);
    expect(error.message).toBe(
      [
        "Invalid stack config in stack prod (3 problems):",
        "  - alerting.receivers.pagerduty: needs the secret `pagerdutyRoutingKey`, which this stack does not set: run `pulumi config set --secret pagerdutyRoutingKey <value>` (or import it from a Pulumi ESC environment)",
        "  - alerting.receivers.email: needs the secret `smtpPassword`, which this stack does not set: run `pulumi config set --secret smtpPassword <value>` (or import it from a Pulumi ESC environment)",
        '  - alerting.receivers.webhook: needs the secret `webhookBearerToken`, which this stack does not set: run `pulumi config set --secret webhookBearerToken <value>`, or set alerting.receivers.webhook.bearerToken to "generate" or "none"',
      ].join("\n"),
    );
  });

  it("prod with every secret: loads, warning about nothing", async () => {
    const { fleet, warnings } = await loadUnderEngine("prod", {
      slackApiUrl: "https://hooks.slack.com/x",
      pagerdutyRoutingKey: "pd",
      smtpPassword: "pw",
      webhookBearerToken: "t0ken",
    });
    expect(Object.keys(fleet.alerting.receivers).sort()).toEqual(["email", "pagerduty", "slack", "webhook"]);
    expect(warnings).toEqual([]);
  });

  it("rejects a credential set without --secret, naming the fix", async () => {
    const error = await loadError(() => loadUnderEngine("dev", {}, {}, { webhookBearerToken: "plain" }));
    expect(error.paths).toEqual(["webhookBearerToken"]);
    expect(error.message).toContain(
      "  - webhookBearerToken: must be a secret: run `pulumi config set --secret webhookBearerToken <value>` (never plaintext in the stack file)",
    );
    expect(error.message).not.toContain('plain"');
  });

  it("rejects bearerToken generate when the stack also sets the token", async () => {
    const alerting = {
      receivers: {
        webhook: { url: "https://alerts.dev.agent-fleet.internal/hook", bearerToken: "generate" },
      },
    };
    const error = await loadError(() =>
      loadUnderEngine(
        "dev",
        { webhookBearerToken: "t0ken" },
        { "agent-fleet:alerting": JSON.stringify(alerting) },
      ),
    );
    expect(error.message).toContain(
      'alerting.receivers.webhook.bearerToken: "generate" ignores the secret `webhookBearerToken` this stack sets: use "secret" to send it, or remove it with `pulumi config rm webhookBearerToken`',
    );
  });
});

describe("the offline loader: same stacks, no backend", () => {
  it("keeps every declared receiver and notes the secrets instead of failing", () => {
    const prod = loadStack("prod");
    expect(Object.keys(prod.fleet.alerting.receivers).sort()).toEqual([
      "email",
      "pagerduty",
      "slack",
      "webhook",
    ]);
    expect(prod.secretsNote?.split("\n")).toHaveLength(6);
    const dev = loadStack("dev");
    expect(dev.fleet.alerting.receivers.webhook).toBeDefined();
    expect(dev.secretsNote).toContain("pulumi config set --stack dev --secret webhookBearerToken <value>");
  });
});
