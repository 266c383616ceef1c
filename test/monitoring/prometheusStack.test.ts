/** The Prometheus the fleet installs for clusters without one: schema-valid, persistent, bounded by size. */
import { describe, expect, it } from "vitest";
import { loadStack } from "../../src/config/index.ts";
import {
  buildPrometheusStack,
  retentionSizeFor,
} from "../../src/manifests/monitoring/scraping/prometheusStack.ts";
import { schemaErrors } from "../support/kubeSchemas.ts";

function fleetWith(monitoring: Record<string, unknown>) {
  const fleet = loadStack("prod").fleet;
  return { ...fleet, monitoring: { ...fleet.monitoring, ...monitoring } };
}

describe("own Prometheus (monitoring.installPrometheus)", () => {
  it("is nothing when the cluster already has a Prometheus", () => {
    expect(buildPrometheusStack(fleetWith({ installPrometheus: false }))).toEqual([]);
  });

  it("keeps its data on a persistent volume of monitoring.storage, capped below the volume size", async () => {
    const objects = buildPrometheusStack(
      fleetWith({ installPrometheus: true, storage: { size: "200Gi", storageClass: "fast-ssd" } }),
    );
    expect(await schemaErrors(objects)).toEqual([]);
    const prometheus = objects.find((object) => object.kind === "Prometheus");
    expect(prometheus?.spec).toMatchObject({
      replicas: 2,
      retention: "30d",
      retentionSize: "160GB",
      storage: {
        volumeClaimTemplate: {
          spec: {
            storageClassName: "fast-ssd",
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "200Gi" } },
          },
        },
      },
    });
  });

  it("uses the cluster's default StorageClass when none is named", () => {
    const objects = buildPrometheusStack(fleetWith({ installPrometheus: true, storage: { size: "50Gi" } }));
    const prometheus = objects.find((object) => object.kind === "Prometheus");
    if (!prometheus) throw new Error("no Prometheus rendered");
    type Storage = { storage: { volumeClaimTemplate: { spec: Record<string, unknown> } } };
    const claim = (prometheus.spec as Storage).storage.volumeClaimTemplate.spec;
    expect(claim).not.toHaveProperty("storageClassName");
    expect(claim).toMatchObject({ resources: { requests: { storage: "50Gi" } } });
  });

  it.each([
    ["50Gi", "40GB"],
    ["1Ti", "819GB"],
    ["2Gi", "1638MB"],
    ["500Mi", "400MB"],
  ])("retention size for a %s volume is %s (80 percent, base-2 units)", (volume, expected) => {
    expect(retentionSizeFor(volume)).toBe(expected);
  });
});
