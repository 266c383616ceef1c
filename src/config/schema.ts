/**
 * The one schema for a fleet's stack config. Every default from REQUIREMENTS.md lives here, once;
 * every other module uses the types exported at the bottom. Cross-field rules live in
 * `crossChecks.ts`; this file describes shapes and single-field rules.
 */
import { z } from "zod";
import {
  agentId,
  byteQuantity,
  cidr,
  cpuQuantity,
  dnsLabel,
  duration,
  imageRepository,
  imageVersion,
  labelMap,
  nonNegativeInt,
  percent,
  positiveInt,
  ratio,
  url,
} from "./primitives.ts";
import { SecretRef } from "./secrets.ts";

/**
 * A per-agent override of a fleet-level settings object: every field optional and WITHOUT its
 * default (zod's `.partial()` keeps inner defaults, which would pin an agent to the schema
 * defaults and hide fleet-level changes). Unset fields inherit in `resolve.ts`.
 */
function overridesOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
      return [key, inner.optional()];
    }),
  ) as unknown as {
    [K in keyof Shape]: z.ZodOptional<Shape[K] extends z.ZodDefault<infer Inner> ? Inner : Shape[K]>;
  };
  return z.strictObject(shape);
}

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const COMPLIANCE_TAGS = ["gdpr", "hipaa", "pci", "sox"] as const;
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "disabled"] as const;

/** Compliance tags that demand the encrypted storage class and forbid external access. */
export const REGULATED_TAGS: readonly ComplianceTag[] = ["gdpr", "hipaa"];

/** Total schedulable capacity of the target cluster that the fleet may use. */
export const resourcePoolSchema = z.strictObject({
  cpu: cpuQuantity,
  memory: byteQuantity,
  storage: byteQuantity,
  /** @default 0 */
  gpu: nonNegativeInt.default(0),
});

/** Container limits; requests are derived (50% CPU, 80% memory, 50% storage, GPU = limit). */
export const resourceLimitsSchema = z.strictObject({
  /** @default "2" */
  cpu: cpuQuantity.default("2"),
  /** @default "4Gi" */
  memory: byteQuantity.default("4Gi"),
  /** Scratch/data volume size per pod. @default "100Gi" */
  storage: byteQuantity.default("100Gi"),
  /** `nvidia.com/gpu` count. @default 0 */
  gpu: nonNegativeInt.default(0),
});

export const replicasSchema = z.strictObject({
  /** @default 1 */
  min: positiveInt.default(1),
  /** @default 50 */
  max: positiveInt.default(50),
});

/** One canary step: shift `weight` percent to the new version, then pause. */
export const canaryStepSchema = z.strictObject({
  weight: percent,
  /** A duration (`5m`) or `manual` (wait for `agent-fleet rollout promote`). Omitted: no pause. */
  pause: z.union([duration, z.literal("manual")]).optional(),
});

/** Prometheus analysis of the new track, applied at every canary step / before a blue-green switch. */
export const analysisSchema = z.strictObject({
  /** @default "1m" */
  interval: duration.default("1m"),
  /** Measurements per step before the step can pass. @default 3 */
  count: positiveInt.default(3),
  /** Failed measurements tolerated before aborting. @default 1 */
  failureLimit: nonNegativeInt.default(1),
  /** Inconclusive (no data / query failed) measurements tolerated before the release pauses. @default 3 */
  inconclusiveLimit: nonNegativeInt.default(3),
  /** What a query with no samples means. Never "success": a silent canary must not promote. @default "inconclusive" */
  noData: z.enum(["inconclusive", "failure"]).default("inconclusive"),
  /** @default 0.01 */
  maxErrorRate: ratio.default(0.01),
  /** @default 1 */
  maxLatencyP95Seconds: z.number().positive().default(1),
  /** @default 0.95 */
  minDataQuality: ratio.default(0.95),
});

const rollingStrategySchema = z.strictObject({ type: z.literal("rolling") });
const canaryStrategySchema = z.strictObject({
  type: z.literal("canary"),
  /** Omitted: `release.canarySteps`. */
  steps: z.array(canaryStepSchema).min(1).optional(),
  analysis: overridesOf(analysisSchema).optional(),
});
const blueGreenStrategySchema = z.strictObject({
  type: z.literal("blueGreen"),
  /** How long the old track stays scaled after the switch, for instant rollback. Omitted: `release.scaleDownDelay`. */
  scaleDownDelay: duration.optional(),
  /** Switch automatically after passing pre-promotion analysis. @default true */
  autoPromote: z.boolean().default(true),
  analysis: overridesOf(analysisSchema).optional(),
});
export const strategySchema = z.discriminatedUnion("type", [
  rollingStrategySchema,
  canaryStrategySchema,
  blueGreenStrategySchema,
]);

/** Gateway API route of an HTTP agent. */
export const routeSchema = z.strictObject({
  hostnames: z.array(z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)).min(1),
  /** @default "/" */
  pathPrefix: z.string().startsWith("/").default("/"),
});

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

export const agentSchema = z.strictObject({
  id: agentId,
  /** Name of the agent cluster (namespace) the agent runs in. @default "data-processing" */
  cluster: dnsLabel.default("data-processing"),
  image: imageRepository,
  version: imageVersion,
  /** Omitted: the fleet's `environment`. */
  environment: z.enum(ENVIRONMENTS).optional(),
  replicas: replicasSchema.default({ min: 1, max: 50 }),
  resources: z
    .strictObject({ limits: resourceLimitsSchema.default(resourceLimitsSchema.parse({})) })
    .default({
      limits: resourceLimitsSchema.parse({}),
    }),
  /** Free-form processing settings → ConfigMap and `DATA_CONFIG_<KEY>` env vars. */
  dataProcessing: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: "is not a valid key (letters, digits, '_')" }),
      z.union([z.string(), z.number(), z.boolean()]),
    )
    .default({}),
  /** Records per second per agent. @default 10000 */
  throughputTarget: positiveInt.default(10000),
  /** @default 16 */
  maxConcurrentStreams: positiveInt.default(16),
  /** @default [] */
  complianceTags: z.array(z.enum(COMPLIANCE_TAGS)).default([]),
  /** Exposed through a LoadBalancer Service. @default false */
  externalAccess: z.boolean().default(false),
  /** `grpc` agents get replica-ratio canaries instead of HTTPRoute weights. @default "http" */
  protocol: z.enum(["http", "grpc"]).default("http"),
  /** @default { type: "rolling" } */
  strategy: strategySchema.default({ type: "rolling" }),
  route: routeSchema.optional(),
  /** Per-agent overrides of `monitoring.thresholds`. */
  alertThresholds: overridesOf(alertThresholdsSchema).optional(),
  /** Per-agent overrides of `monitoring.slo`. */
  slo: overridesOf(sloSchema).optional(),
});

export const egressRuleSchema = z.strictObject({
  cidr,
  ports: z.array(z.number().int().min(1).max(65535)).min(1),
});

export const rbacGroupsSchema = z.strictObject({
  /** @default [] */
  admin: z.array(z.string().min(1)).default([]),
  /** @default [] */
  operator: z.array(z.string().min(1)).default([]),
  /** @default [] */
  readOnly: z.array(z.string().min(1)).default([]),
});

export const agentClusterSchema = z.strictObject({
  /** Namespace name. */
  name: dnsLabel,
  /** @default "standard" */
  storageClass: z.string().min(1).default("standard"),
  /** Used by agents tagged hipaa/gdpr. @default "encrypted" */
  encryptedStorageClass: z.string().min(1).default("encrypted"),
  /** Gateway API Gateway that HTTP agents attach routes to. */
  gateway: z.strictObject({ name: dnsLabel, namespace: dnsLabel }).optional(),
  /** Namespace of the ingress/gateway pods allowed to reach agent ports. @default "gateway-system" */
  ingressNamespace: dnsLabel.default("gateway-system"),
  /** Data sources/sinks agents may reach. @default [] */
  dataEgress: z.array(egressRuleSchema).default([]),
  /** Groups bound to the admin/operator/read-only Roles. Omitted: top-level `rbac`. */
  rbac: rbacGroupsSchema.optional(),
});

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const timeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, {
  error: "is not a time of day HH:MM (examples: 07:30, 19:00, 24:00)",
});

/** A replica floor for known busy hours: scale up before the load arrives. Times are UTC. */
export const scaleScheduleSchema = z.strictObject({
  /** Names the schedule in its recording rule and HPA metric. */
  name: dnsLabel,
  /** Days the window opens on (UTC). @default every day */
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .default([...WEEKDAYS]),
  /** Window start, UTC. */
  start: timeOfDay,
  /** Window end, UTC, after `start` (split a window across midnight into two schedules). */
  end: timeOfDay,
  /** Replicas the agent keeps at least while the window is open. */
  minReplicas: positiveInt,
  /** Agent ids the floor applies to. Omitted: every agent. */
  agents: z.array(agentId).min(1).optional(),
});

export const autoscalingSchema = z.strictObject({
  /** @default 75 */
  cpuUtilizationPercent: percent.default(75),
  /** @default 80 */
  memoryUtilizationPercent: percent.default(80),
  /** Scale up when throughput per pod exceeds this share of the agent's target. @default 0.8 */
  throughputTargetRatio: ratio.default(0.8),
  /** @default 10000 */
  queueDepthPerPod: positiveInt.default(10000),
  /** @default 1000 */
  latencyP95Ms: positiveInt.default(1000),
  /** @default 2 */
  scaleUpPods: positiveInt.default(2),
  /** @default 1 */
  scaleDownPods: positiveInt.default(1),
  /** Period of the scale-up policy (+scaleUpPods per period). @default 60 */
  periodSeconds: positiveInt.default(60),
  /** Cooldown between scale-downs: at most `scaleDownPods` per this period. @default "5m" */
  scaleDownStabilization: duration.default("5m"),
  /** How long load must stay low before any scale-down (the HPA stabilization window). @default "10m" */
  scaleDownSustained: duration.default("10m"),
  /** Scheduled scale-up: replica floors for known busy hours. @default [] */
  schedules: z.array(scaleScheduleSchema).default([]),
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
  /** Bearer token from secret `webhookBearerToken`, generated when absent. */
  webhook: z.strictObject({ url }).optional(),
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

export const releaseSchema = z.strictObject({
  /** @default 5% → 25% → 50% → 100% with 2m/5m/5m pauses */
  canarySteps: z
    .array(canaryStepSchema)
    .min(1)
    .default([
      { weight: 5, pause: "2m" },
      { weight: 25, pause: "5m" },
      { weight: 50, pause: "5m" },
      { weight: 100 },
    ]),
  /** @default "10m" */
  scaleDownDelay: duration.default("10m"),
  analysis: analysisSchema.default(analysisSchema.parse({})),
  /**
   * Prometheus (or a PromQL-compatible API such as Thanos Query) the rollout controller's analysis
   * queries. Omitted: the fleet's Prometheus, `http://prometheus-operated.<monitoring.namespace>.svc:9090`.
   */
  prometheusUrl: z
    .url({
      protocol: /^https?$/,
      error: "is not an http(s) URL (example: http://thanos-query.monitoring.svc:9090)",
    })
    .optional(),
  /** Image of the rollout controller. @default "ghcr.io/agent-fleet/rollout-controller" */
  controllerImage: imageRepository.default("ghcr.io/agent-fleet/rollout-controller"),
  /** @default "0.1.0" */
  controllerVersion: imageVersion.default("0.1.0"),
});

export const policySchema = z.strictObject({
  /** Omitted: `mandatory` in prod, `advisory` elsewhere. */
  enforcement: z.enum(ENFORCEMENT_LEVELS).optional(),
  /** Per-policy enforcement, by policy name. @default {} */
  overrides: z.record(z.string().regex(/^[a-z0-9-]+$/), z.enum(ENFORCEMENT_LEVELS)).default({}),
  /** Whether LoadBalancer Services are allowed at all in this stack. @default true */
  allowLoadBalancers: z.boolean().default(true),
});

const secretValue = z.instanceof(SecretRef, {
  error:
    "must be a secret: run `pulumi config set --secret <key> <value>` (never plaintext in the stack file)",
});

/** The whole fleet: one entry per `agent-fleet:<key>` in `Pulumi.<stack>.yaml`. */
export const fleetConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS),
  resourcePool: resourcePoolSchema,
  /** @default [{ name: "data-processing" }] */
  clusters: z
    .array(agentClusterSchema)
    .min(1)
    .default([agentClusterSchema.parse({ name: "data-processing" })]),
  agents: z.array(agentSchema).min(1, { error: "is empty: declare at least one agent" }),
  autoscaling: autoscalingSchema.default(autoscalingSchema.parse({})),
  monitoring: monitoringSchema.default(monitoringSchema.parse({})),
  alerting: alertingSchema.default(alertingSchema.parse({})),
  release: releaseSchema.default(releaseSchema.parse({})),
  policy: policySchema.default(policySchema.parse({})),
  /** Default RBAC groups for every agent cluster. */
  rbac: rbacGroupsSchema.default(rbacGroupsSchema.parse({})),
  // Credentials: each one a `secure:` value (or an ESC import), never plaintext. See secrets.ts.
  slackApiUrl: secretValue.optional(),
  pagerdutyRoutingKey: secretValue.optional(),
  smtpPassword: secretValue.optional(),
  webhookBearerToken: secretValue.optional(),
  grafanaAdminPassword: secretValue.optional(),
});

export type FleetConfigInput = z.input<typeof fleetConfigSchema>;
export type ParsedFleetConfig = z.output<typeof fleetConfigSchema>;
export type ResourcePool = z.output<typeof resourcePoolSchema>;
export type ResourceLimits = z.output<typeof resourceLimitsSchema>;
export type AgentSpec = z.output<typeof agentSchema>;
export type AgentCluster = z.output<typeof agentClusterSchema>;
export type Strategy = z.output<typeof strategySchema>;
export type CanaryStep = z.output<typeof canaryStepSchema>;
export type Analysis = z.output<typeof analysisSchema>;
export type AlertThresholds = z.output<typeof alertThresholdsSchema>;
export type Slo = z.output<typeof sloSchema>;
export type Autoscaling = z.output<typeof autoscalingSchema>;
export type ScaleSchedule = z.output<typeof scaleScheduleSchema>;
export type Monitoring = z.output<typeof monitoringSchema>;
export type Alerting = z.output<typeof alertingSchema>;
export type Receivers = z.output<typeof receiversSchema>;
export type Release = z.output<typeof releaseSchema>;
export type RbacGroups = z.output<typeof rbacGroupsSchema>;
export type ComplianceTag = (typeof COMPLIANCE_TAGS)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];
