import { defineConfig } from "vitest/config";

/**
 * The real-cluster tier (`npm run test:cluster`): each file starts its own control plane from the
 * cached toolchain. Two files run at once: much of the tier waits (a quiet steady state, pods
 * becoming ready), and nothing in it measures time, so the waits overlap with the Pulumi runs.
 */
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    globalSetup: ["test/cluster/support/globalSetup.ts"],
    fileParallelism: true,
    maxWorkers: 2,
    pool: "forks",
    testTimeout: 600_000,
    hookTimeout: 300_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-cluster-report.json" },
  },
});
