/**
 * The AgentRollout custom resource (agentfleet.dev/v1alpha1): Pulumi writes `spec` (desired
 * state), the rollout controller writes `status` (live release state). This zod schema is the
 * single definition: the CRD's OpenAPI schema is generated from it, the builders type their
 * output with it, and the controller parses what it reads from the API with it.
 */
import { z } from "zod";
import { TRACKS } from "../contract/agentRollout.ts";

/** One analysis query. `query` is PromQL with `{{namespace}}`, `{{agent}}` and `{{track}}` placeholders. */
export const analysisMetricSchema = z.object({
  name: z.string().min(1),
  query: z.string().min(1),
  /** The measurement succeeds when `value <condition> threshold`. */
  condition: z.enum(["<", "<=", ">", ">="]),
  threshold: z.number(),
});

/**
 * The evidence analysis (docs/canary-analysis.md): record counts of the canary and the stable
 * track over the same window, judged by anytime-valid confidence sequences at every look. Absent:
 * only `metrics` are judged, on their values (the analysis before evidence).
 */
export const evidenceSpecSchema = z.object({
  /**
   * Seconds between looks at the evidence (the scrape interval): a failure is acted on at the
   * first look that shows it, whatever `intervalSeconds` and the step's pause say.
   */
  /** Seconds between two looks at the evidence (fractions allowed: a sub-second scrape interval). */
  lookIntervalSeconds: z.number().min(0.1),
  // Inclusive bounds only: the structural schema's boolean `exclusiveMinimum` is not portable
  // JSON Schema; the stack schema rejects 0 and 1 where they make no sense.
  /** Confidence of every verdict, valid at every look at once (below 1). */
  confidence: z.number().min(0.5).max(0.9999),
  /** Guard rail: the canary's failed / processed must be shown at or below this. */
  maxErrorRate: z.number().min(0).max(1),
  /** How much the canary's error rate may exceed the stable's in the same window. */
  maxErrorRateOverStable: z.number().min(0).max(1),
  /** Guard rail on the canary's p95 latency (from its histogram). Absent: latency is not judged. */
  maxLatencyP95Seconds: z.number().min(0).optional(),
  /** How much larger the canary's share of records slower than the stable's p95 may be than the stable's. */
  maxSlowShareOverStable: z.number().min(0).max(1),
  /**
   * Records each track must count before a verdict may be Successful. Absent: the fewest that can
   * show the error rate below `maxErrorRate` at `confidence` with no failure at all (445 for 1 %
   * at 95 %).
   */
  minRecords: z.number().int().positive().optional(),
});

export const analysisSpecSchema = z.object({
  intervalSeconds: z.number().int().positive(),
  /** Successful measurements needed before a step passes. */
  count: z.number().int().positive(),
  failureLimit: z.number().int().min(0),
  inconclusiveLimit: z.number().int().min(0),
  /** An empty query result is never a success. */
  noData: z.enum(["inconclusive", "failure"]),
  metrics: z.array(analysisMetricSchema).min(1),
  evidence: evidenceSpecSchema.optional(),
});

export const canaryStepSpecSchema = z.object({
  setWeight: z.number().int().min(1).max(100),
  /** Absent: no pause. `{}`: wait for a manual promote. `{ durationSeconds }`: timed. */
  pause: z.object({ durationSeconds: z.number().int().positive().optional() }).optional(),
});

export const strategySpecSchema = z.object({
  canary: z
    .object({
      steps: z.array(canaryStepSpecSchema).min(1),
      analysis: analysisSpecSchema,
    })
    .optional(),
  blueGreen: z
    .object({
      scaleDownDelaySeconds: z.number().int().min(0),
      autoPromote: z.boolean(),
      analysis: analysisSpecSchema,
    })
    .optional(),
});

export const trafficSpecSchema = z.object({
  /**
   * How traffic moves between tracks: `gatewayAPI` (HTTPRoute weights), `serviceSelector`
   * (blue-green switch of the active Service), `replicaRatio` (non-HTTP canaries).
   */
  router: z.enum(["gatewayAPI", "serviceSelector", "replicaRatio"]),
  /** Service that selects the active track (the controller owns its `track` selector). */
  activeService: z.string(),
  /** Service that always selects the new (idle/canary) track, for pre-promotion checks. */
  previewService: z.string(),
  /** Services with fixed selectors per track, the HTTPRoute's weighted backends. */
  trackServices: z.object({ blue: z.string(), green: z.string() }),
  /** Port the route and services forward to. */
  port: z.number().int().min(1).max(65535),
  /** HTTP agents: the HTTPRoute the controller renders and owns. */
  httpRoute: z
    .object({
      name: z.string(),
      parentRefs: z.array(z.object({ name: z.string(), namespace: z.string().optional() })).min(1),
      hostnames: z.array(z.string()).min(1),
      pathPrefix: z.string(),
    })
    .optional(),
});

export const agentRolloutSpecSchema = z.object({
  /** The agent id; tracks are `<agent>-blue` / `<agent>-green`. */
  agent: z.string(),
  /**
   * Desired pods per track, written through the scale subresource; never set by Pulumi. The
   * controller seeds it once with `minReplicas` when it is unset (the scale subresource cannot be
   * read without it, so an HPA could never start); after that only the HPA writes it.
   */
  replicas: z.number().int().min(0).optional(),
  /** Floor of the track size, whatever `replicas` says (the HPA's own minimum). */
  minReplicas: z.number().int().min(1),
  /** Ceiling of the track size, whatever `replicas` says (the HPA's own maximum). Absent: none. */
  maxReplicas: z.number().int().min(1).optional(),
  selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
  /** Pod template; tracks add the `track` label and their revision. */
  template: z.record(z.string(), z.unknown()),
  strategy: strategySpecSchema,
  traffic: trafficSpecSchema,
});

export const ROLLOUT_PHASES = [
  "Pending",
  "Progressing",
  "Analysing",
  "Paused",
  "Promoting",
  "Healthy",
  "Degraded",
  "Aborted",
] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

export const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
});

/** Why an evidence measurement is Inconclusive: only `NotEnoughEvidence` is not counted against `inconclusiveLimit`. */
export const INCONCLUSIVE_REASONS = [
  "NotEnoughEvidence",
  "NoData",
  "QueryFailed",
  "ProviderUnavailable",
] as const;

export const measurementSchema = z.object({
  metric: z.string(),
  phase: z.enum(["Successful", "Failed", "Inconclusive"]),
  value: z.number().optional(),
  message: z.string().optional(),
  at: z.string(),
  /** Evidence checks: why the measurement is Inconclusive. */
  inconclusiveReason: z.enum(INCONCLUSIVE_REASONS).optional(),
  /** Evidence checks: records behind the verdict per track (stable absent without a comparison). */
  samples: z.object({ canary: z.number(), stable: z.number().optional() }).optional(),
  /** Evidence checks: the canary's rate (failed, or slower than the limit) and the stable's. */
  canaryValue: z.number().optional(),
  stableValue: z.number().optional(),
  /** Evidence checks: the quantity held to `limit` (a rate, or canary − stable) and its interval. */
  statistic: z.number().optional(),
  limit: z.number().optional(),
  interval: z.object({ lower: z.number(), upper: z.number() }).optional(),
  /** Evidence checks: the interval's confidence, valid at every look. */
  confidence: z.number().optional(),
});

export const ACTION_OUTCOMES = ["Applied", "Refused", "Superseded"] as const;

/** One manual action's single recorded outcome. */
export const actionRecordSchema = z.object({
  id: z.string(),
  action: z.enum(["promote", "abort", "pause", "resume"]),
  by: z.string(),
  /** When the controller recorded the outcome. */
  at: z.string(),
  outcome: z.enum(ACTION_OUTCOMES).optional(),
  result: z.string(),
  /** The revision and gate (e.g. `step-2`, `switch`) the request was bound to. */
  revision: z.string().optional(),
  gate: z.string().optional(),
  /** Applied promote/abort: the weights it moves traffic to, and when the router's read-back showed them. */
  target: z.object({ blue: z.number().int(), green: z.number().int() }).optional(),
  confirmedAt: z.string().optional(),
});

/** Owned by the controller; rich enough to resume a release after a restart. */
export const agentRolloutStatusSchema = z.object({
  phase: z.enum(ROLLOUT_PHASES).optional(),
  message: z.string().optional(),
  observedGeneration: z.number().int().optional(),
  activeTrack: z.enum(TRACKS).optional(),
  stableRevision: z.string().optional(),
  /** Revision being released on the idle track, if any. */
  canaryRevision: z.string().optional(),
  currentStepIndex: z.number().int().min(0).optional(),
  /** When the current step's traffic (or the whole idle track) was in place; analysis and pauses count from it. */
  stepStartedAt: z.string().optional(),
  /**
   * When the release's first step was in place (a blue-green switch: when it switched): the
   * evidence window counts from it, the same for every step, so evidence is cumulative.
   */
  analysisStartedAt: z.string().optional(),
  /**
   * `analysisStartedAt` on the wall clock: the evidence queries' window (`increase(…[w])`) is
   * measured from it, since Prometheus keeps real time while the release clock may run faster.
   */
  analysisStartedWallAt: z.string().optional(),
  /**
   * With evidence: the release's first canary traffic waits until Prometheus scrapes the canary's
   * pods (`since`: waiting from; `passedAt`: traffic allowed; `blind`: allowed after the wait
   * ran out, unseen), so no canary record is served before its counters' first sample.
   */
  scrapeGate: z
    .object({ since: z.string(), passedAt: z.string().optional(), blind: z.boolean().optional() })
    .optional(),
  /** Traffic percent per track, as last verified by reading back from the router. */
  weights: z.object({ blue: z.number().int(), green: z.number().int() }).optional(),
  replicas: z.number().int().optional(),
  /** Label selector text for the scale subresource (HPA). */
  selector: z.string().optional(),
  analysis: z
    .object({
      successes: z.number().int(),
      failures: z.number().int(),
      inconclusives: z.number().int(),
      lastMeasurements: z.array(measurementSchema),
      /** When the last analysis tick ran; the next one is due an interval later. */
      lastRunAt: z.string().optional(),
      /** When the evidence was last looked at; the next look is due `lookIntervalSeconds` later. */
      lastLookAt: z.string().optional(),
      /** The evidence's verdict at the last look: the final promotion and a switch need Successful. */
      verdict: z.enum(["Successful", "Failed", "Inconclusive"]).optional(),
      /** Why, at the last look (e.g. "not enough evidence yet: canary 120/445 records"). */
      verdictReason: z.string().optional(),
    })
    .optional(),
  abortedRevision: z.string().optional(),
  /** Who aborted the release when a user did (absent: the analysis did). */
  abortedBy: z.string().optional(),
  /** While set, the previous track is kept at full size for instant rollback; then scaled to 0. */
  scaleDownAt: z.string().optional(),
  /** A hold the release cannot leave by itself: a user's pause, or too many inconclusive analyses. */
  pause: z
    .object({
      reason: z.enum(["UserPaused", "InconclusiveAnalysis"]),
      since: z.string(),
      by: z.string().optional(),
    })
    .optional(),
  /** The outcome of the last manual action (CLI annotation) the controller took up. */
  lastAction: actionRecordSchema.optional(),
  /**
   * The latest outcomes, oldest first (at most 10): every request the controller saw ends here
   * exactly once, as Applied, Refused or Superseded. Makes actions idempotent across restarts.
   */
  actionHistory: z.array(actionRecordSchema).optional(),
  conditions: z.array(conditionSchema).optional(),
});

export type AnalysisMetric = z.infer<typeof analysisMetricSchema>;
export type AnalysisSpec = z.infer<typeof analysisSpecSchema>;
export type EvidenceSpec = z.infer<typeof evidenceSpecSchema>;
export type CanaryStepSpec = z.infer<typeof canaryStepSpecSchema>;
export type TrafficSpec = z.infer<typeof trafficSpecSchema>;
export type AgentRolloutSpec = z.infer<typeof agentRolloutSpecSchema>;
export type AgentRolloutStatus = z.infer<typeof agentRolloutStatusSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Measurement = z.infer<typeof measurementSchema>;
export type ActionRecord = z.infer<typeof actionRecordSchema>;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];
