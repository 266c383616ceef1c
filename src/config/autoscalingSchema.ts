/** Autoscaling settings of the fleet schema: HPA targets and behaviour, and scheduled floors. */
import { z } from "zod";
import { agentId, dnsLabel, durationWithDefault, percent, positiveInt, ratio } from "./primitives.ts";

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
  scaleDownStabilization: durationWithDefault("5m"),
  /** How long load must stay low before any scale-down (the HPA stabilization window). @default "10m" */
  scaleDownSustained: durationWithDefault("10m"),
  /** Scheduled scale-up: replica floors for known busy hours. @default [] */
  schedules: z.array(scaleScheduleSchema).default([]),
});

export type Autoscaling = z.output<typeof autoscalingSchema>;
export type ScaleSchedule = z.output<typeof scaleScheduleSchema>;
