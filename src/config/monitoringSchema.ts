/**
 * Monitoring and alerting settings of the fleet schema: alert thresholds and durations (fleet-wide,
 * overridable per agent), SLO objectives, the Prometheus stack and the Alertmanager receivers.
 */
import { z } from "zod";
import { byteQuantity, dnsLabel, duration, labelMap, positiveInt, ratio, url } from "./primitives.ts";

/** Alert thresholds; fleet-wide in `monitoring.thresholds`, overridable per agent. */
export const alertThresholdsSchema = z.strictObject({
  /** @default 5 */
  latencyP95WarningSeconds: z.number().positive().default(5),
  /** @default 15 */
  latencyP95CriticalSeconds: z.number().positive().default(15),
  /** @default 0.05 */
  errorRate: ratio.default(0.05),
  /** @default 50000 */
  queueDepthCritical: positiveInt.default(50000),
  /** @default 0.95 */
  dataQualityMin: ratio.default(0.95),
  /** Fire when throughput falls below this share of the same time yesterday. @default 0.5 */
  throughputDropRatio: ratio.default(0.5),
  /** @default 0.8 */
  cpuWarning: ratio.default(0.8),
  /** @default 0.9 */
  cpuCritical: ratio.default(0.9),
  /** @default 0.85 */
  memoryWarning: ratio.default(0.85),
  /** @default 0.95 */
  memoryCritical: ratio.default(0.95),
});

export const alertDurationsSchema = z.strictObject({
  /** @default "5m" */
  latencyWarning: duration.default("5m"),
  /** @default "2m" */
  latencyCritical: duration.default("2m"),
  /** @default "5m" */
  errorRate: duration.default("5m"),
  /** @default "5m" */
  queueDepth: duration.default("5m"),
  /** @default "10m" */
  dataQuality: duration.default("10m"),
  /** @default "15m" */
  throughputDrop: duration.default("15m"),
  /** @default "5m" */
  degraded: duration.default("5m"),
  /** @default "1m" */
  unhealthy: duration.default("1m"),
  /** @default "5m" */
  resources: duration.default("5m"),
  /** Rollout controller unreachable, or no replica holding the leader Lease. @default "5m" */
  controllerDown: duration.default("5m"),
  /** Reconciles failing without pause (errors in every 5-minute window). @default "15m" */
  reconcileErrors: duration.default("15m"),
  /** A release sitting in one `Paused`/`Analysing` phase. @default "30m" */
  rolloutStuck: duration.default("30m"),
});

export const sloSchema = z.strictObject({
  /** Share of records processed without failure. @default 0.999 */
  availability: ratio.default(0.999),
  /** Share of records faster than `latencyThresholdSeconds`. @default 0.99 */
  latency: ratio.default(0.99),
  /** @default 1 */
  latencyThresholdSeconds: z.number().positive().default(1),
  /** @default "30d" */
  window: duration.default("30d"),
});

export const monitoringSchema = z.strictObject({
  /** Namespace of the cluster's Prometheus stack. @default "monitoring" */
  namespace: dnsLabel.default("monitoring"),
  /** Labels the cluster's Prometheus selects rules/monitors by. @default { release: "kube-prometheus-stack" } */
  selectorLabels: labelMap.default({ release: "kube-prometheus-stack" }),
  /** @default "30s" */
  scrapeInterval: duration.default("30s"),
  /** @default "30d" */
  retention: duration.default("30d"),
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
  groupWait: duration.default("30s"),
  /** @default "5m" */
  groupInterval: duration.default("5m"),
  /** Re-notification per severity: the escalation cadence. */
  repeatInterval: z
    .strictObject({
      /** @default "1h" */
      critical: duration.default("1h"),
      /** @default "4h" */
      error: duration.default("4h"),
      /** @default "12h" */
      warning: duration.default("12h"),
    })
    .default({ critical: "1h", error: "4h", warning: "12h" }),
});

export type AlertThresholds = z.output<typeof alertThresholdsSchema>;
export type Slo = z.output<typeof sloSchema>;
export type Monitoring = z.output<typeof monitoringSchema>;
export type Alerting = z.output<typeof alertingSchema>;
export type Receivers = z.output<typeof receiversSchema>;
/** Receivers as written in a stack file (defaults not yet applied). */
export type ReceiversInput = z.input<typeof receiversSchema>;
