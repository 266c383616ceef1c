import { defineConfig } from "vitest/config";

/**
 * The real-cluster tier (`npm run test:cluster`): each file starts its own control plane from the
 * cached toolchain, so files run one at a time (2-core machines) and get generous timeouts.
 */
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    globalSetup: ["test/cluster/support/globalSetup.ts"],
    fileParallelism: false,
    pool: "forks",
    testTimeout: 600_000,
    hookTimeout: 300_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-cluster-report.json" },
  },
});
