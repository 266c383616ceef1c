import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The monitoring tests again, on today's Prometheus 3.x and Alertmanager 0.28+ as the toolchain
 * builds them (`npm run test:current-monitoring`): the same files the fast tier runs on Debian's
 * 2.42 / 0.25, so every promtool/amtool test and the sandbox's Prometheus, Alertmanager and
 * releases end to end hold on both generations (harness/monitoringGeneration.ts).
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "test/monitoring/**/*.test.ts",
      "test/controller/analysis-promql.test.ts",
      "test/controller/analysis-evidence-promql.test.ts",
      "test/sandbox/prometheus.test.ts",
      "test/sandbox/alertmanager.test.ts",
      "test/sandbox/alerting.test.ts",
      "test/e2e/releases.test.ts",
      "test/e2e/restart-and-alert.test.ts",
    ],
    env: { AGENT_FLEET_MONITORING_GENERATION: "current" },
    outputFile: { json: ".vitest-generations-report.json" },
  },
});
