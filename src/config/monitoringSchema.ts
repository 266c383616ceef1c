/**
 * Monitoring and alerting settings of the fleet schema: alert thresholds and durations (fleet-wide,
 * overridable per agent), SLO objectives, the Prometheus stack and the Alertmanager receivers.
 */
import { z } from "zod";
import {
  byteQuantity,
  dnsLabel,
  durationWithDefault,
  labelMap,
  positiveInt,
  ratio,
  url,
} from "./primitives.ts";
import type { Duration } from "./quantity.ts";

/**
 * A ratio threshold without the end that breaks its alert: `value` (0 or 1) either fires the alert
 * on the first event or leaves a condition nothing can meet, which silently switches it off.
 */
function ratioWithout(value: 0 | 1, message: string) {
  return ratio.refine((threshold) => threshold !== value, { error: message });
}

const errorRateThreshold = ratioWithout(
  0,
  "fires AgentErrorRateHigh on the first failed record (any error ratio is above 0): use the share of failures that needs attention, e.g. 0.05",
);
const dataQualityThreshold = ratioWithout(
  1,
  "fires AgentDataQualityLow on the first record scored below a perfect 1.0: use e.g. 0.95",
).refine((threshold) => threshold !== 0, {
  error: "makes AgentDataQualityLow never fire (no score is below 0): use e.g. 0.95",
});
const throughputDropThreshold = ratioWithout(
  1,
  "fires AgentThroughputDrop on any dip below the same time yesterday: use the share of yesterday's rate that is a real drop, e.g. 0.5",
).refine((threshold) => threshold !== 0, {
  error: "makes AgentThroughputDrop never fire (throughput is never below 0% of yesterday's): use e.g. 0.5",
});

/** Usage over limit: 0 fires for every running container; at 1 the limit itself stops usage from passing it. */
function usageThreshold(alert: string, resource: "cpu" | "memory") {
  const capped =
    resource === "cpu"
      ? "CPU is throttled at the limit, so usage never exceeds 100% of it"
      : "the container is OOM-killed at its limit, so its working set never exceeds it";
  return ratioWithout(
    0,
    `fires ${alert} for every running container (any use is above 0% of the limit): use e.g. 0.8`,
  ).refine((threshold) => threshold !== 1, {
    error: `makes ${alert} never fire: ${capped}; use e.g. 0.9`,
  });
}

/** Alert thresholds; fleet-wide in `monitoring.thresholds`, overridable per agent. */
export const alertThresholdsSchema = z.strictObject({
  /** @default 5 */
  latencyP95WarningSeconds: z.number().positive().default(5),
  /** @default 15 */
  latencyP95CriticalSeconds: z.number().positive().default(15),
  /** Above 0. @default 0.05 */
  errorRate: errorRateThreshold.default(0.05),
  /** @default 50000 */
  queueDepthCritical: positiveInt.default(50000),
  /** Between 0 and 1, exclusive. @default 0.95 */
  dataQualityMin: dataQualityThreshold.default(0.95),
  /** Fire when throughput falls below this share of the same time yesterday; between 0 and 1, exclusive. @default 0.5 */
  throughputDropRatio: throughputDropThreshold.default(0.5),
  /** @default 0.8 */
  cpuWarning: usageThreshold("AgentCPUHigh", "cpu").default(0.8),
  /** @default 0.9 */
  cpuCritical: usageThreshold("AgentCPUCritical", "cpu").default(0.9),
  /** @default 0.85 */
  memoryWarning: usageThreshold("AgentMemoryHigh", "memory").default(0.85),
  /** @default 0.95 */
  memoryCritical: usageThreshold("AgentMemoryCritical", "memory").default(0.95),
});

export const alertDurationsSchema = z.strictObject({
  /** @default "5m" */
  latencyWarning: durationWithDefault("5m"),
  /** @default "2m" */
  latencyCritical: durationWithDefault("2m"),
  /** @default "5m" */
  errorRate: durationWithDefault("5m"),
  /** @default "5m" */
  queueDepth: durationWithDefault("5m"),
  /** @default "10m" */
  dataQuality: durationWithDefault("10m"),
  /** @default "15m" */
  throughputDrop: durationWithDefault("15m"),
  /** @default "5m" */
  degraded: durationWithDefault("5m"),
  /** @default "1m" */
  unhealthy: durationWithDefault("1m"),
  /** @default "5m" */
  resources: durationWithDefault("5m"),
  /** Rollout controller unreachable, or no replica holding the leader Lease. @default "5m" */
  controllerDown: durationWithDefault("5m"),
  /** Reconciles failing without pause (errors in every 5-minute window). @default "15m" */
  reconcileErrors: durationWithDefault("15m"),
  /** A release sitting in one `Paused`/`Analysing` phase. @default "30m" */
  rolloutStuck: durationWithDefault("30m"),
});

/**
 * An SLO objective strictly between 0 and 1: the error budget is `1 - objective`, and the
 * burn-rate alerts compare the error ratio against multiples of it.
 */
function objective(bad: "failed" | "slow") {
  return ratio
    .refine((value) => value !== 1, {
      error: `leaves no error budget: AgentErrorBudgetBurn divides by a budget of 0 and pages on the first ${bad} record; use e.g. 0.999`,
    })
    .refine((value) => value !== 0, {
      error:
        "makes the whole period error budget: AgentErrorBudgetBurn can never fire (an error ratio cannot exceed 100%); use e.g. 0.999",
    });
}

export const sloSchema = z.strictObject({
  /** Share of records processed without failure, between 0 and 1 exclusive. @default 0.999 */
  availability: objective("failed").default(0.999),
  /** Share of records faster than `latencyThresholdSeconds`, between 0 and 1 exclusive. @default 0.99 */
  latency: objective("slow").default(0.99),
  /** @default 1 */
  latencyThresholdSeconds: z.number().positive().default(1),
  /** @default "30d" */
  window: durationWithDefault("30d"),
});

export const monitoringSchema = z.strictObject({
  /** Namespace of the cluster's Prometheus stack. @default "monitoring" */
  namespace: dnsLabel.default("monitoring"),
  /** Labels the cluster's Prometheus selects rules/monitors by. @default { release: "kube-prometheus-stack" } */
  selectorLabels: labelMap.default({ release: "kube-prometheus-stack" }),
  /** @default "30s" */
  scrapeInterval: durationWithDefault("30s"),
  /** @default "30d" */
  retention: durationWithDefault("30d"),
  /** Install Prometheus/Alertmanager resources when the cluster has none. @default false */
  installPrometheus: z.boolean().default(false),
  /** Persistent volume of the installed Prometheus (one per replica), so `retention` survives restarts. */
  storage: z
    .strictObject({
      /** @default "50Gi" */
      size: byteQuantity.default("50Gi"),
      /** Omitted: the cluster's default StorageClass. */
      storageClass: z.string().min(1).optional(),
    })
    .default({ size: "50Gi" }),
  /** Base URL of docs/runbooks. @default "https://github.com/agent-fleet/agent-fleet/blob/main/docs/runbooks" */
  runbookBaseUrl: url.default("https://github.com/agent-fleet/agent-fleet/blob/main/docs/runbooks"),
  thresholds: alertThresholdsSchema.default(alertThresholdsSchema.parse({})),
  durations: alertDurationsSchema.default(alertDurationsSchema.parse({})),
  slo: sloSchema.default(sloSchema.parse({})),
  /** Label the Grafana sidecar watches for dashboards. @default { grafana_dashboard: "1" } */
  dashboardLabels: labelMap.default({ grafana_dashboard: "1" }),
});

/** Where the webhook receiver's bearer token comes from (`alerting.receivers.webhook.bearerToken`). */
export const WEBHOOK_BEARER_TOKEN_MODES = ["secret", "generate", "none"] as const;
export type WebhookBearerTokenMode = (typeof WEBHOOK_BEARER_TOKEN_MODES)[number];

export const receiversSchema = z.strictObject({
  /** Requires secret `smtpPassword` when `authUsername` is set. */
  email: z
    .strictObject({
      to: z.array(z.email()).min(1),
      from: z.email(),
      smarthost: z
        .string()
        .regex(/^[^:\s]+:\d+$/, { error: "is not host:port (example: smtp.example.com:587)" }),
      authUsername: z.string().optional(),
    })
    .optional(),
  /** Requires secret `slackApiUrl`. */
  slack: z
    .strictObject({ channel: z.string().regex(/^#[\w-]+$/, { error: "is not a Slack channel (#name)" }) })
    .optional(),
  /** Requires secret `pagerdutyRoutingKey`. */
  pagerduty: z.strictObject({ severityMap: z.boolean().default(true) }).optional(),
  /** Generic webhook (the only receiver of dev stacks). */
  webhook: z
    .strictObject({
      url,
      /**
       * The `Authorization: Bearer` token Alertmanager sends: `secret` reads the secret
       * `webhookBearerToken`; `generate` creates one with `@pulumi/random` (needs the
       * `pulumi-resource-random` plugin) and keeps it as a secret; `none` sends no header.
       * @default "secret"
       */
      bearerToken: z.enum(WEBHOOK_BEARER_TOKEN_MODES).default("secret"),
    })
    .optional(),
});

export const alertingSchema = z.strictObject({
  receivers: receiversSchema.default({}),
  /** @default "30s" */
  groupWait: durationWithDefault("30s"),
  /** @default "5m" */
  groupInterval: durationWithDefault("5m"),
  /** Re-notification per severity: the escalation cadence. */
  repeatInterval: z
    .strictObject({
      /** @default "1h" */
      critical: durationWithDefault("1h"),
      /** @default "4h" */
      error: durationWithDefault("4h"),
      /** @default "12h" */
      warning: durationWithDefault("12h"),
    })
    .default({ critical: "1h" as Duration, error: "4h" as Duration, warning: "12h" as Duration }),
});

export type AlertThresholds = z.output<typeof alertThresholdsSchema>;
export type Slo = z.output<typeof sloSchema>;
export type Monitoring = z.output<typeof monitoringSchema>;
export type Alerting = z.output<typeof alertingSchema>;
export type Receivers = z.output<typeof receiversSchema>;
/** Receivers as written in a stack file (defaults not yet applied). */
export type ReceiversInput = z.input<typeof receiversSchema>;
