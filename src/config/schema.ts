/**
 * The one schema for a fleet's stack config. Every default from REQUIREMENTS.md lives here (or in
 * the area modules it composes: `monitoringSchema.ts`, `autoscalingSchema.ts`, `resourcesSchema.ts`,
 * `routeSchema.ts`), once; every other module uses the types exported here. Cross-field rules live
 * in `crossChecks.ts` and `checks/`; these files describe shapes and single-field rules.
 */
import { z } from "zod";
import { autoscalingSchema } from "./autoscalingSchema.ts";
import { alertingSchema, alertThresholdsSchema, monitoringSchema, sloSchema } from "./monitoringSchema.ts";
import {
  agentId,
  cidr,
  dnsLabel,
  duration,
  durationWithDefault,
  imageRepository,
  imageVersion,
  nonNegativeInt,
  percent,
  positiveInt,
  ratio,
} from "./primitives.ts";
import type { Duration } from "./quantity.ts";
import { resourceLimitsSchema, resourcePoolSchema } from "./resourcesSchema.ts";
import { routeSchema } from "./routeSchema.ts";
import { type SecretKey, SecretRef } from "./secrets.ts";

export * from "./autoscalingSchema.ts";
export * from "./monitoringSchema.ts";
export * from "./resourcesSchema.ts";
export * from "./routeSchema.ts";

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
  interval: durationWithDefault("1m"),
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
  /**
   * Confidence of every evidence verdict (docs/canary-analysis.md), valid at every look at once:
   * each check wrongly fails or passes a release with probability at most 1 − confidence.
   * @default 0.95
   */
  confidence: z
    .number()
    .min(0.5, { error: "is below 0.5 (a confidence is between 0.5 and 0.9999, e.g. 0.95)" })
    .max(0.9999, {
      error:
        "is above 0.9999 (a confidence is between 0.5 and 0.9999, e.g. 0.95): 1 would need infinitely many records",
    })
    .default(0.95),
  /**
   * How much the canary's error rate may exceed the stable track's in the same window (0.005: half
   * a percentage point) before it fails, even while under `maxErrorRate`.
   * @default 0.005
   */
  maxErrorRateOverStable: z
    .number()
    .min(0, { error: "is below 0 (a margin is between 0 and 1)" })
    .lt(1, { error: "must be below 1 (a margin is a share of records)" })
    .default(0.005),
  /**
   * How much larger the canary's share of records slower than the stable's p95 may be than the
   * stable's own (≈ 5 %): 0.05 lets the canary's p90 reach, not pass, the stable's p95.
   * @default 0.05
   */
  maxSlowShareOverStable: z
    .number()
    .min(0, { error: "is below 0 (a margin is between 0 and 1)" })
    .lt(1, { error: "must be below 1 (a margin is a share of records)" })
    .default(0.05),
  /**
   * Records each track must count before any verdict may be Successful. Omitted: the fewest that
   * can show the error rate below `maxErrorRate` at `confidence` with no failure at all (445 for
   * the defaults), computed by the controller.
   */
  minRecords: positiveInt.optional(),
  /**
   * How often the controller looks at the evidence; a failure aborts at the first look that shows
   * it. Omitted: `monitoring.scrapeInterval` (looking more often than Prometheus scrapes sees nothing new).
   * Sub-second values (`500ms`) are allowed, 100ms at least.
   */
  lookInterval: duration.optional(),
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
  /** LoadBalancer Services of this cluster's `externalAccess` agents. */
  loadBalancer: z
    .strictObject({
      /**
       * Whether `pulumi up` waits (up to 10 minutes) for the load balancer's address. `false` sets
       * `pulumi.com/skipAwait: "true"` on those Services, for clusters without a load-balancer
       * provider (the Service then also does not wait for ready endpoints).
       * @default true
       */
      awaitAddress: z.boolean().default(true),
    })
    .default({ awaitAddress: true }),
});

export const releaseSchema = z.strictObject({
  /** @default 5% → 25% → 50% → 100% with 2m/5m/5m pauses */
  canarySteps: z
    .array(canaryStepSchema)
    .min(1)
    .default([
      { weight: 5, pause: "2m" as Duration },
      { weight: 25, pause: "5m" as Duration },
      { weight: 50, pause: "5m" as Duration },
      { weight: 100 },
    ]),
  /** @default "10m" */
  scaleDownDelay: durationWithDefault("10m"),
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

/** Checks of the target cluster before `pulumi up`/`preview` registers anything. */
export const preflightSchema = z.strictObject({
  /**
   * Read the cluster first and stop, listing every missing prerequisite (CRDs, namespaces,
   * StorageClasses, metrics APIs). `false` skips the checks (the program says so once).
   * @default true
   */
  enabled: z.boolean().default(true),
});

/** A credential: a SecretRef from the loader, never a plaintext value. */
function secretValue(key: SecretKey) {
  return z.instanceof(SecretRef, {
    error: `must be a secret: run \`pulumi config set --secret ${key} <value>\` (never plaintext in the stack file)`,
  });
}

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
  preflight: preflightSchema.default({ enabled: true }),
  // Credentials: each one set with `pulumi config set --secret` (or an ESC import), never
  // plaintext. Which receiver needs which: receiverSecrets.ts.
  slackApiUrl: secretValue("slackApiUrl").optional(),
  pagerdutyRoutingKey: secretValue("pagerdutyRoutingKey").optional(),
  smtpPassword: secretValue("smtpPassword").optional(),
  webhookBearerToken: secretValue("webhookBearerToken").optional(),
  /** Reserved for an installed Grafana; no object uses it yet. */
  grafanaAdminPassword: secretValue("grafanaAdminPassword").optional(),
});

export type FleetConfigInput = z.input<typeof fleetConfigSchema>;
export type ParsedFleetConfig = z.output<typeof fleetConfigSchema>;
export type AgentSpec = z.output<typeof agentSchema>;
export type AgentCluster = z.output<typeof agentClusterSchema>;
export type Strategy = z.output<typeof strategySchema>;
export type CanaryStep = z.output<typeof canaryStepSchema>;
export type Analysis = z.output<typeof analysisSchema>;
export type Release = z.output<typeof releaseSchema>;
export type RbacGroups = z.output<typeof rbacGroupsSchema>;
export type Preflight = z.output<typeof preflightSchema>;
export type ComplianceTag = (typeof COMPLIANCE_TAGS)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];
