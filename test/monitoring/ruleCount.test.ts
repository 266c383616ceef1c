import { describe, expect, it } from "vitest";
import { buildRuleAreas, ruleFileOf } from "../../src/manifests/monitoring/rules/index.ts";
import { ruleCount } from "../../src/manifests/monitoring/rules/ruleTypes.ts";
import { thresholdSeries } from "../../src/manifests/monitoring/rules/thresholds.ts";
import { generatedFleet } from "./support/fleets.ts";

describe("rules are label-based", () => {
  const small = ruleFileOf(buildRuleAreas(generatedFleet(3)));
  const large = ruleFileOf(buildRuleAreas(generatedFleet(300)));

  it("a fleet of 300 agents has exactly as many rules as a fleet of 3", () => {
    expect(ruleCount(small.groups)).toBe(ruleCount(large.groups));
    expect(ruleCount(small.groups)).toBeGreaterThan(40);
  });

  it("and the same groups and rule names, in the same order", () => {
    const names = (file: typeof small) =>
      file.groups.map((group) => [
        group.name,
        group.rules.map((rule) => ("alert" in rule ? rule.alert : rule.record)),
      ]);
    expect(names(large)).toEqual(names(small));
  });

  it("agent ids appear only in the per-agent override series, never in alerts", () => {
    const overrides = large.groups.find((group) => group.name === "agent-fleet.thresholds");
    const errorRate = overrides?.rules.find(
      (rule) => "record" in rule && rule.record === thresholdSeries("errorRate"),
    );
    // 30 of the 300 agents override errorRate; the expression grows, the rule count does not.
    expect(errorRate?.expr.match(/"agent-\d+"/g)).toHaveLength(30);
    const alertExprs = large.groups.flatMap((group) =>
      group.rules.filter((rule) => "alert" in rule).map((rule) => rule.expr),
    );
    expect(alertExprs.join("\n")).not.toMatch(/agent-\d+/);
  });
});
