/**
 * The Alertmanager configuration's route tree, inhibit rules and secret placeholders (its shape:
 * `alertmanagerTypes.ts`, what `amtool check-config` reads). Credentials are `<secret:key>`
 * placeholders: the Alerting component fills them from Pulumi secrets, the offline render keeps
 * them. Matchers only (`matchers`, `source_matchers`, `target_matchers`), never the deprecated
 * `match`/`match_re`.
 */
import {
  type Alerting,
  type Duration,
  type FleetConfig,
  type Receivers,
  type SecretKey,
  seconds,
  secretPlaceholder,
} from "../../../config/index.ts";
import { fillSecrets } from "../../../config/secrets.ts";
import type { Severity } from "../rules/ruleTypes.ts";
import type { AlertmanagerRoute, InhibitRule } from "./alertmanagerTypes.ts";

export const GROUP_BY = ["namespace", "agent", "alertname"];
export const RECEIVER = {
  blackhole: "blackhole",
  webhook: "webhook",
  oncall: "oncall",
  team: "team",
} as const;

/** Pages must not wait for batching: critical groups go out within this, or `groupWait` if shorter. */
const PAGE_GROUP_WAIT = "10s" as Duration;
const PAGE_GROUP_INTERVAL = "1m" as Duration;

/** Alerts an `AgentUnhealthy` makes redundant for the same agent. */
export const SILENCED_BY_UNHEALTHY = ["AgentLatencyHigh", "AgentLatencyCritical", "AgentThroughputDrop"];

/**
 * URL fields must parse as URLs even offline, so their placeholder is a URL in the reserved
 * `.invalid` domain that still carries the `<secret:key>` marker.
 */
export function secretUrlPlaceholder(key: SecretKey): string {
  return `https://secret.invalid/${secretPlaceholder(key)}`;
}

function shorter(a: Duration, b: Duration): Duration {
  return seconds(a) <= seconds(b) ? a : b;
}

function severityRoutes(
  alerting: Alerting,
  receiverFor: (severity: Severity) => string,
): AlertmanagerRoute[] {
  const { repeatInterval, groupWait, groupInterval } = alerting;
  const match = (severity: Severity) => [`severity="${severity}"`];
  return [
    {
      receiver: receiverFor("critical"),
      matchers: match("critical"),
      group_wait: shorter(groupWait, PAGE_GROUP_WAIT),
      group_interval: shorter(groupInterval, PAGE_GROUP_INTERVAL),
      repeat_interval: repeatInterval.critical,
    },
    { receiver: receiverFor("error"), matchers: match("error"), repeat_interval: repeatInterval.error },
    { receiver: receiverFor("warning"), matchers: match("warning"), repeat_interval: repeatInterval.warning },
    { receiver: RECEIVER.blackhole, matchers: match("info") },
  ];
}

/** Which receiver each severity reaches outside dev; falls back when a channel is not configured. */
export function severityReceivers(receivers: Receivers): Record<Severity, string> {
  const fallback = receivers.webhook ? RECEIVER.webhook : RECEIVER.blackhole;
  const oncall = receivers.pagerduty || receivers.slack || receivers.email ? RECEIVER.oncall : fallback;
  const team = receivers.slack || receivers.email ? RECEIVER.team : fallback;
  return { critical: oncall, error: team, warning: team, info: RECEIVER.blackhole };
}

/**
 * dev stack: everything to the webhook. Other stacks: alerts labelled `environment="dev"` to the
 * webhook; the rest by severity, with a copy of every notifying alert to the webhook.
 */
export function buildRouteTree(fleet: FleetConfig): AlertmanagerRoute {
  const { alerting } = fleet;
  const { receivers } = alerting;
  const devReceiver = receivers.webhook ? RECEIVER.webhook : RECEIVER.blackhole;
  const root = {
    receiver: RECEIVER.blackhole,
    group_by: GROUP_BY,
    group_wait: alerting.groupWait,
    group_interval: alerting.groupInterval,
    repeat_interval: alerting.repeatInterval.warning,
  };
  if (fleet.environment === "dev") return { ...root, routes: severityRoutes(alerting, () => devReceiver) };
  const bySeverity = severityReceivers(receivers);
  // The copy goes only where the webhook is not already the receiver (no double notifications).
  const copied = (["critical", "error", "warning"] as const).filter(
    (severity) => bySeverity[severity] !== RECEIVER.webhook,
  );
  const webhookCopy: AlertmanagerRoute[] =
    receivers.webhook && copied.length > 0
      ? [{ receiver: RECEIVER.webhook, matchers: [`severity=~"${copied.join("|")}"`], continue: true }]
      : [];
  return {
    ...root,
    routes: [
      {
        receiver: devReceiver,
        matchers: ['environment="dev"'],
        routes: severityRoutes(alerting, () => devReceiver),
      },
      ...webhookCopy,
      ...severityRoutes(alerting, (severity) => bySeverity[severity]),
    ],
  };
}

export function buildInhibitRules(): InhibitRule[] {
  return [
    {
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity=~"error|warning"'],
      equal: ["namespace", "agent"],
    },
    {
      source_matchers: ['alertname="AgentUnhealthy"'],
      target_matchers: [`alertname=~"${SILENCED_BY_UNHEALTHY.join("|")}"`],
      equal: ["namespace", "agent"],
    },
  ];
}

/** Replaces every placeholder (URL-shaped ones as a whole) with its value; structure is untouched. */
export function fillAlertmanagerSecrets<T>(value: T, values: Partial<Record<SecretKey, string>>): T {
  if (typeof value === "string") {
    const unwrapped = value.replace(/https:\/\/secret\.invalid\/(<secret:[A-Za-z]+>)/g, "$1");
    return fillSecrets(unwrapped, values) as T;
  }
  if (Array.isArray(value)) return value.map((item) => fillAlertmanagerSecrets(item, values)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, fillAlertmanagerSecrets(item, values)]),
    ) as T;
  }
  return value;
}
