/**
 * Receivers (email, Slack, PagerDuty, webhook) and the global settings they share. Every credential
 * is a placeholder; nothing here ever sees a secret value.
 */
import type { FleetConfig, Receivers } from "../../../config/index.ts";
import { secretPlaceholder } from "../../../config/index.ts";
import { buildInhibitRules, buildRouteTree, RECEIVER, secretUrlPlaceholder } from "./alertmanager.ts";
import type { AlertmanagerConfig, AlertmanagerReceiver } from "./alertmanagerTypes.ts";

const TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
  "{{ .CommonLabels.alertname }} {{ .CommonLabels.namespace }}/{{ .CommonLabels.agent }}";
const TEXT =
  "{{ range .Alerts }}*{{ .Annotations.summary }}* ({{ .Labels.severity }})\n{{ .Annotations.description }}\n" +
  "Runbook: {{ .Annotations.runbook_url }}\n{{ end }}";

function slackConfigs(receivers: Receivers) {
  return receivers.slack
    ? [{ channel: receivers.slack.channel, send_resolved: true, title: TITLE, text: TEXT }]
    : [];
}

function emailConfigs(receivers: Receivers) {
  return receivers.email
    ? [{ to: receivers.email.to.join(", "), send_resolved: true, headers: { Subject: TITLE } }]
    : [];
}

function pagerdutyConfigs(receivers: Receivers) {
  if (!receivers.pagerduty) return [];
  return [
    {
      routing_key: secretPlaceholder("pagerdutyRoutingKey"),
      send_resolved: true,
      description: "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}",
      component: "{{ .CommonLabels.agent }}",
      group: "{{ .CommonLabels.namespace }}",
      // Our severities are PagerDuty's (critical, error, warning, info).
      ...(receivers.pagerduty.severityMap ? { severity: "{{ .CommonLabels.severity }}" } : {}),
    },
  ];
}

function withConfigs(name: string, configs: Record<string, unknown[]>): AlertmanagerReceiver {
  const present = Object.entries(configs).filter(([, list]) => list.length > 0);
  return { name, ...Object.fromEntries(present) };
}

export function buildReceivers(receivers: Receivers): AlertmanagerReceiver[] {
  const list: AlertmanagerReceiver[] = [{ name: RECEIVER.blackhole }];
  if (receivers.webhook) {
    // `secret` and `generate` both fill this placeholder (from the stack / a RandomPassword).
    const authorization = { type: "Bearer", credentials: secretPlaceholder("webhookBearerToken") };
    const httpConfig = receivers.webhook.bearerToken === "none" ? {} : { http_config: { authorization } };
    list.push({
      name: RECEIVER.webhook,
      webhook_configs: [{ url: receivers.webhook.url, send_resolved: true, ...httpConfig }],
    });
  }
  if (receivers.pagerduty || receivers.slack || receivers.email) {
    list.push(
      withConfigs(RECEIVER.oncall, {
        pagerduty_configs: pagerdutyConfigs(receivers),
        slack_configs: slackConfigs(receivers),
        email_configs: emailConfigs(receivers),
      }),
    );
  }
  if (receivers.slack || receivers.email) {
    // Slack when configured; email stands in when it is not.
    const team: Record<string, unknown[]> = receivers.slack
      ? { slack_configs: slackConfigs(receivers) }
      : { email_configs: emailConfigs(receivers) };
    list.push(withConfigs(RECEIVER.team, team));
  }
  return list;
}

function buildGlobal(receivers: Receivers): Record<string, unknown> {
  const global: Record<string, unknown> = { resolve_timeout: "5m" };
  if (receivers.slack) global.slack_api_url = secretUrlPlaceholder("slackApiUrl");
  if (receivers.email) {
    global.smtp_smarthost = receivers.email.smarthost;
    global.smtp_from = receivers.email.from;
    global.smtp_require_tls = true;
    if (receivers.email.authUsername) {
      global.smtp_auth_username = receivers.email.authUsername;
      global.smtp_auth_password = secretPlaceholder("smtpPassword");
    }
  }
  return global;
}

export function buildAlertmanagerConfig(fleet: FleetConfig): AlertmanagerConfig {
  const { receivers } = fleet.alerting;
  return {
    global: buildGlobal(receivers),
    route: buildRouteTree(fleet),
    receivers: buildReceivers(receivers),
    inhibit_rules: buildInhibitRules(),
  };
}
