import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "policies/**/*.test.ts"],
    // The real-cluster tier has its own config (vitest.cluster.config.ts, `npm run test:cluster`).
    exclude: ["test/cluster/**", "**/node_modules/**"],
    // The sandbox runs the Prometheus/Alertmanager generation promtool/amtool come from.
    setupFiles: ["test/support/monitoringGeneration.setup.ts"],
    // Room for a loaded 2-core machine, where CPU-bound tests take several times their idle
    // time (promtool's slo-burn.yaml: 83 s measured beside two CPU burners); only a hang fails.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Pulumi's runtime state is process-global: give each test file its own process.
    pool: "forks",
    // Two files at a time on the 2-core machine (vitest's default leaves one core idle: one
    // worker). The tests hold under two CPU burners (scripts/ci-under-load.sh), which is more
    // load than a second test file adds.
    maxWorkers: 2,
    // The JSON report is what .ci/run counts `N passed, N failed` from.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
  },
});
