import { describe, expect, it } from "vitest";
import { type FleetConfig, loadStack, parseFleetConfig } from "../../src/config/index.ts";
import { assertCapacity, CapacityError, capacityUsage } from "../../src/manifests/capacity.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";

/** Two canary agents at max 4 replicas (8 pods at peak) and one rolling GPU agent at max 2 (3 pods). */
function fleetWith(pool: { cpu: string; memory: string; storage: string; gpu: number }): FleetConfig {
  return parseFleetConfig(
    {
      environment: "dev",
      resourcePool: pool,
      agents: [
        {
          id: "alpha",
          image: "example/alpha",
          version: "1.0.0",
          replicas: { min: 1, max: 4 },
          resources: { limits: { cpu: "2", memory: "4Gi", storage: "10Gi" } },
          strategy: { type: "canary" },
        },
        {
          id: "beta",
          image: "example/beta",
          version: "1.0.0",
          replicas: { min: 1, max: 4 },
          resources: { limits: { cpu: "1", memory: "1Gi", storage: "10Gi" } },
          strategy: { type: "blueGreen" },
        },
        {
          id: "gamma",
          image: "example/gamma",
          version: "1.0.0",
          replicas: { min: 1, max: 2 },
          resources: { limits: { cpu: "4", memory: "8Gi", storage: "20Gi", gpu: 2 } },
        },
      ],
    },
    { source: "test" },
  );
}

// Peak requests: alpha 8×(1 CPU, 3276Mi, 5Gi); beta 8×(500m, 819Mi, 5Gi); gamma 3×(2 CPU, 6553Mi, 10Gi, 2 GPU).
const EXACT = { cpu: "18", memory: "52419Mi", storage: "110Gi", gpu: 6 };

describe("capacity check at max replicas", () => {
  it("passes when the fleet fits exactly, counting both tracks for releases and surge for rolling", () => {
    const usage = capacityUsage(fleetWith(EXACT));
    expect(usage.map(({ resource, required, available }) => [resource, required === available])).toEqual([
      ["cpu", true],
      ["memory", true],
      ["storage", true],
      ["gpu", true],
    ]);
    expect(() => assertCapacity(fleetWith(EXACT))).not.toThrow();
  });

  it("fails when short by a little, naming the precise gap and the largest agents", () => {
    const fleet = fleetWith({ ...EXACT, cpu: "17500m" });
    expect(() => assertCapacity(fleet)).toThrow(CapacityError);
    try {
      assertCapacity(fleet);
    } catch (error) {
      const capacity = error as CapacityError;
      expect(capacity.shortfalls.map((shortfall) => shortfall.resource)).toEqual(["cpu"]);
      expect(capacity.message).toContain(
        "cpu: requests at max replicas need 18, the pool has 17500m: short by 500m (largest: alpha 8, gamma 6, beta 4)",
      );
      expect(capacity.message).toContain("Fix: raise agent-fleet:resourcePool");
    }
  });

  it("reports a GPU shortfall on its own line, naming the GPU agent", () => {
    const fleet = fleetWith({ ...EXACT, gpu: 4 });
    expect(() => assertCapacity(fleet)).toThrow(
      /gpu: requests at max replicas need 6, the pool has 4: short by 2 \(largest: gamma 6\)/,
    );
  });

  it("stops the render (and so the program) before any object exists", () => {
    expect(() => renderFleet(fleetWith({ ...EXACT, memory: "32Gi" }))).toThrow(/memory: .*short by/);
  });

  it("the real stacks fit with headroom", () => {
    for (const stack of ["dev", "prod"]) {
      const usage = capacityUsage(loadStack(stack).fleet);
      for (const { resource, required, available } of usage) {
        expect(required, `${stack} ${resource}`).toBeLessThanOrEqual(available);
      }
    }
  });
});
