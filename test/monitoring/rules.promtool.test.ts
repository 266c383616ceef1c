import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderMonitoring } from "../../src/manifests/monitoring/index.ts";
import { alertingRules } from "../../src/manifests/monitoring/rules/ruleTypes.ts";
import { renderStack } from "../../src/render/renderStack.ts";
import { writeFiles } from "../../src/render/write.ts";
import { fixtureFleet } from "./support/fleets.ts";
import {
  PROMTOOL_TESTS_DIR,
  promtoolTestFiles,
  promtoolTestRules,
  runTool,
  tempDir,
} from "./support/tools.ts";

const PROJECT = join(import.meta.dirname, "..", "..");

describe("promtool check rules on the offline render", () => {
  it.each(["dev", "prod"])(
    "%s: prometheus/rules.yaml is a valid rule file without duplicate rules",
    (stack) => {
      const out = tempDir(`render-${stack}`);
      writeFiles(out, renderStack(stack, PROJECT).files);
      const result = runTool(
        "promtool",
        ["check", "rules", "--lint=all", "--lint-fatal", "prometheus/rules.yaml"],
        out,
      );
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    },
  );
});

describe("promtool test rules (test/monitoring/promtool/*.yaml)", () => {
  const rules = renderMonitoring(fixtureFleet("rules")).ruleFile;

  it.each(promtoolTestFiles().map((file) => [basename(file), file]))("%s passes", (_name, file) => {
    const result = promtoolTestRules(file, rules);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS");
  });
});

interface PromtoolTestFile {
  tests: Array<{
    alert_rule_test?: Array<{
      alertname: string;
      exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }>;
    }>;
  }>;
}

function alertCases() {
  return promtoolTestFiles().flatMap((file) =>
    (parse(readFileSync(file, "utf8")) as PromtoolTestFile).tests.flatMap(
      (test) => test.alert_rule_test ?? [],
    ),
  );
}

describe("the promtool unit tests cover every alert", () => {
  const alerts = alertingRules(renderMonitoring(fixtureFleet("rules")).ruleFile.groups);
  const cases = alertCases();

  it("every alert and severity fires in some test, with its labels and annotations checked", () => {
    const fired = new Set(
      cases.flatMap((testCase) =>
        testCase.exp_alerts
          .filter((alert) => alert.exp_annotations?.runbook_url && alert.exp_annotations.description)
          .map((alert) => `${testCase.alertname}/${alert.exp_labels.severity}`),
      ),
    );
    const expected = alerts.map((alert) => `${alert.alert}/${alert.labels.severity}`);
    expect(expected.filter((key) => !fired.has(key))).toEqual([]);
  });

  it("every alert also has a case where it must stay silent", () => {
    const silent = new Set(
      cases.filter((testCase) => testCase.exp_alerts.length === 0).map((c) => c.alertname),
    );
    expect([...new Set(alerts.map((alert) => alert.alert))].filter((name) => !silent.has(name))).toEqual([]);
  });

  it("every expected alert carries severity, namespace and agent labels", () => {
    const labelled = cases.flatMap((testCase) => testCase.exp_alerts.map((alert) => alert.exp_labels));
    expect(labelled.length).toBeGreaterThan(20);
    for (const labels of labelled)
      expect(Object.keys(labels)).toEqual(expect.arrayContaining(["severity", "namespace", "agent"]));
  });

  it("the test files name the rendered rule file", () => {
    expect(PROMTOOL_TESTS_DIR).toMatch(/test\/monitoring\/promtool$/);
    for (const file of promtoolTestFiles())
      expect(parse(readFileSync(file, "utf8")).rule_files).toEqual(["rules.yaml"]);
  });
});
