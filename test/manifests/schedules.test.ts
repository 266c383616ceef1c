/** Scheduled scale-up: the window condition, the floor rule and the adapter's external metric. */
import { describe, expect, it } from "vitest";
import { scaleScheduleSchema } from "../../src/config/index.ts";
import { adapterRules } from "../../src/manifests/autoscaling/adapterRules.ts";
import {
  SCHEDULE_METRIC,
  SCHEDULE_SERIES,
  scheduleRules,
  windowCondition,
} from "../../src/manifests/autoscaling/schedules.ts";

const schedule = (input: Record<string, unknown>) =>
  scaleScheduleSchema.parse({ name: "s", start: "07:30", end: "19:00", minReplicas: 4, ...input });

describe("schedule windows in PromQL", () => {
  it("compares minutes since midnight UTC, end exclusive, and leaves out the day test for every day", () => {
    expect(windowCondition(schedule({}))).toBe("(hour() * 60 + minute() >= 450 < 1140)");
  });

  it("folds consecutive days into ranges (Sunday = 0, as day_of_week())", () => {
    expect(windowCondition(schedule({ days: ["fri", "mon", "tue", "wed", "thu"] }))).toBe(
      "(hour() * 60 + minute() >= 450 < 1140) and on() (day_of_week() >= 1 <= 5)",
    );
    expect(windowCondition(schedule({ days: ["sun", "wed", "thu", "sat"] }))).toBe(
      "(hour() * 60 + minute() >= 450 < 1140) and on() (day_of_week() == 0 or day_of_week() >= 3 <= 4 or day_of_week() == 6)",
    );
  });
});

describe("the floor rule", () => {
  it("is absent without schedules, so stacks without them keep their rule set", () => {
    expect(scheduleRules([])).toEqual([]);
  });

  it("is one rule however many schedules, each labelled and falling back to 0", () => {
    const [group] = scheduleRules([
      schedule({ name: "day" }),
      schedule({ name: "night", start: "22:00", end: "24:00" }),
    ]);
    expect(group?.rules).toHaveLength(1);
    const [rule] = group?.rules ?? [];
    expect(rule).toMatchObject({ record: SCHEDULE_SERIES });
    const expr = (rule as { expr: string }).expr;
    for (const name of ["day", "night"]) {
      expect(expr).toContain(`label_replace(vector(0), "schedule", "${name}", "", "")`);
    }
    expect(expr).toContain("vector(4) and on() (hour() * 60 + minute() >= 1320 < 1440)");
  });
});

describe("prometheus-adapter external rule", () => {
  it("serves the floor series fleet-wide under an API-safe name, selected by schedule", () => {
    expect(adapterRules().externalRules).toEqual([
      {
        seriesQuery: `${SCHEDULE_SERIES}{schedule!=""}`,
        resources: { namespaced: false },
        name: { matches: `^${SCHEDULE_SERIES}$`, as: SCHEDULE_METRIC },
        metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (schedule)",
      },
    ]);
    expect(SCHEDULE_METRIC).toMatch(/^[a-z_]+$/);
  });
});
