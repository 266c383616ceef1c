/** Fleets for the monitoring tests: the real stacks, a fixture stack, and generated fleets of any size. */
import { join } from "node:path";
import { type FleetConfig, loadStack, loadStackFile, parseFleetConfig } from "../../../src/config/index.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");

export function stackFleet(stack: "dev" | "prod"): FleetConfig {
  return loadStack(stack, join(import.meta.dirname, "..", "..", "..")).fleet;
}

/** `test/monitoring/fixtures/Pulumi.<name>.yaml`. */
export function fixtureFleet(name: string): FleetConfig {
  return loadStackFile(join(FIXTURES, `Pulumi.${name}.yaml`)).fleet;
}

/**
 * A fleet of `count` small agents over two clusters; every tenth agent overrides thresholds and
 * its availability objective, so overrides grow with the fleet too.
 */
export function generatedFleet(count: number): FleetConfig {
  const agents = Array.from({ length: count }, (_, index) => ({
    id: `agent-${index}`,
    cluster: index % 2 === 0 ? "data-processing" : "ml-inference",
    image: "ghcr.io/agent-fleet/generic-agent",
    version: "1.0.0",
    replicas: { min: 1, max: 1 },
    resources: { limits: { cpu: "100m", memory: "128Mi", storage: "1Gi" } },
    ...(index % 10 === 0
      ? {
          alertThresholds: { errorRate: 0.01 + index / 100000, cpuWarning: 0.7 },
          slo: { availability: 0.9995 },
        }
      : {}),
  }));
  return parseFleetConfig(
    {
      environment: "prod",
      resourcePool: { cpu: "1000", memory: "4Ti", storage: "100Ti" },
      clusters: [{ name: "data-processing" }, { name: "ml-inference" }],
      agents,
      alerting: { receivers: { webhook: { url: "https://alerts.example.com/hook" } } },
    },
    { source: `generated fleet of ${count}` },
  );
}
