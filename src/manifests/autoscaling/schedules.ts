/**
 * Scheduled scale-up without a second autoscaler: one recording rule turns every schedule into a
 * series `agentfleet:scheduled_min_replicas{schedule="<name>"}` whose value is the schedule's
 * floor while its window is open and 0 otherwise. prometheus-adapter serves it on
 * external.metrics.k8s.io, and each agent's HPA reads it as an External metric with target
 * AverageValue 1, so the HPA's recommendation from it is exactly the floor; the HPA takes the
 * highest recommendation of all its metrics, so load can still push above the floor, and when the
 * window closes the floor drops to 0 and the usual scale-down behaviour applies.
 */
import { type Agent, parseTimeOfDay, type ScaleSchedule, WEEKDAYS } from "../../config/index.ts";
import type { RuleGroup } from "../monitoring/rules/ruleTypes.ts";

/** The recording rule's series. */
export const SCHEDULE_SERIES = "agentfleet:scheduled_min_replicas";
/** Its name on external.metrics.k8s.io (API metric names avoid the colons of rule names). */
export const SCHEDULE_METRIC = "agentfleet_scheduled_min_replicas";

/** The schedules whose floor applies to an agent. */
export function schedulesFor(agent: Agent, schedules: readonly ScaleSchedule[]): ScaleSchedule[] {
  return schedules.filter((schedule) => !schedule.agents || schedule.agents.includes(agent.id));
}

/** Runs of consecutive weekday numbers (Sunday = 0, as PromQL's `day_of_week()`). */
function dayRuns(days: readonly ScaleSchedule["days"][number][]): Array<[from: number, to: number]> {
  const numbers = [...new Set(days.map((day) => WEEKDAYS.indexOf(day)))].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const day of numbers) {
    const last = runs.at(-1);
    if (last && last[1] === day - 1) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}

/** A PromQL condition that has a sample exactly while the schedule's window is open. */
export function windowCondition(schedule: ScaleSchedule): string {
  const start = parseTimeOfDay(schedule.start) ?? 0;
  const end = parseTimeOfDay(schedule.end) ?? 0;
  const conditions = [`(hour() * 60 + minute() >= ${start} < ${end})`];
  const runs = dayRuns(schedule.days);
  if (runs.length > 0 && !(runs.length === 1 && runs[0]?.[0] === 0 && runs[0]?.[1] === 6)) {
    const days = runs.map(([from, to]) =>
      from === to ? `day_of_week() == ${from}` : `day_of_week() >= ${from} <= ${to}`,
    );
    conditions.push(days.length === 1 ? `(${days[0]})` : `(${days.join(" or ")})`);
  }
  return conditions.join(" and on() ");
}

function labelled(expr: string, schedule: string): string {
  return `label_replace(${expr}, "schedule", "${schedule}", "", "")`;
}

/** One group with one rule for every schedule; none when there are no schedules. */
export function scheduleRules(schedules: readonly ScaleSchedule[]): RuleGroup[] {
  if (schedules.length === 0) return [];
  // Per schedule: its floor while open, else 0 (`or` keeps the left side for the same labels),
  // so the HPA always has a value: a missing metric would block every scale-down.
  const expr = schedules
    .flatMap((schedule) => [
      labelled(`vector(${schedule.minReplicas}) and on() ${windowCondition(schedule)}`, schedule.name),
      labelled("vector(0)", schedule.name),
    ])
    .join("\nor\n");
  return [{ name: "agent-fleet.schedules", rules: [{ record: SCHEDULE_SERIES, expr }] }];
}

/** The HPA metrics that hold an agent at its schedules' floors. */
export function scheduleMetrics(agent: Agent, schedules: readonly ScaleSchedule[]) {
  return schedulesFor(agent, schedules).map((schedule) => ({
    type: "External",
    external: {
      metric: { name: SCHEDULE_METRIC, selector: { matchLabels: { schedule: schedule.name } } },
      target: { type: "AverageValue", averageValue: "1" },
    },
  }));
}
