/** Fleet-wide stack policies: capacity at max replicas, unique agent ids and ports. */
import { describe, expect, it } from "vitest";
import { agentRollout, containerOf, deployment, hpa, service } from "./support/objects.ts";
import { testContext, urnOf, validateStack } from "./support/pack.ts";

const GI = 2 ** 30;

describe("capacity-fits-pool", () => {
  // ingest: Deployment, 500m / 1638Mi / 10Gi per pod, HPA max 6 → 7 pods with the surge.
  // export: AgentRollout, same pod, HPA max 4 → 8 pods (both tracks).
  const objects = [
    deployment(),
    hpa("ingest", 3, 6),
    agentRollout("export"),
    hpa("export", 3, 4, { kind: "AgentRollout", name: "export" }),
  ];

  it("passes when peak requests fit the pool exactly", async () => {
    const exact = testContext({
      resourcePool: { cpu: 15 * 500, memory: 15 * 1638 * 2 ** 20, storage: 150 * GI, gpu: 0 },
    });
    expect(await validateStack("capacity-fits-pool", objects, exact)).toEqual([]);
  });

  it("fails each short resource, naming the gap and the largest agents", async () => {
    const small = testContext({ resourcePool: { cpu: 7000, memory: 64 * GI, storage: 100 * GI, gpu: 0 } });
    expect(await validateStack("capacity-fits-pool", objects, small)).toEqual([
      {
        message:
          "cpu: agents need 7500m at max replicas, the pool has 7 (short by 500m; largest: export 4, ingest 3500m): raise resourcePool.cpu or lower replicas.max / resources.limits",
      },
      {
        message:
          "storage: agents need 150Gi at max replicas, the pool has 100Gi (short by 50Gi; largest: export 80Gi, ingest 70Gi): raise resourcePool.storage or lower replicas.max / resources.limits",
      },
    ]);
  });

  it("counts GPUs as requested and uses spec.replicas when no HPA scales the workload", async () => {
    const gpu = deployment("vision");
    const resources = containerOf(gpu).resources as {
      requests: Record<string, string>;
      limits: Record<string, string>;
    };
    resources.requests["nvidia.com/gpu"] = "1";
    resources.limits["nvidia.com/gpu"] = "1";
    (gpu.spec as Record<string, unknown>).replicas = 2;
    const reported = await validateStack("capacity-fits-pool", [gpu], testContext());
    expect(reported.map(({ message }) => message.split(" (")[0])).toEqual([
      "gpu: agents need 3 at max replicas, the pool has 0",
    ]);
  });
});

describe("unique-ids-and-ports", () => {
  it("passes distinct agents with distinct ports", async () => {
    expect(
      await validateStack("unique-ids-and-ports", [deployment(), agentRollout("export"), service()]),
    ).toEqual([]);
  });

  it("fails a second workload running the same agent id, blaming the duplicate", async () => {
    const duplicate = agentRollout("ingest");
    duplicate.metadata = { ...duplicate.metadata, name: "ingest-v2" };
    expect(await validateStack("unique-ids-and-ports", [deployment(), duplicate])).toEqual([
      {
        message:
          'agent id "ingest" is already used by data-processing/Deployment/ingest: agent ids must be unique',
        urn: urnOf(duplicate),
      },
    ]);
  });

  it("fails a port number or name declared twice in a pod or a Service", async () => {
    const workload = deployment();
    containerOf(workload).ports.push({ name: "http-admin", containerPort: 8080, protocol: "TCP" });
    const svc = service();
    (svc.spec as { ports: Array<Record<string, unknown>> }).ports.push({
      name: "grpc-data",
      port: 9000,
      protocol: "TCP",
    });
    expect(await validateStack("unique-ids-and-ports", [workload, svc])).toEqual([
      { message: "port 8080/TCP is declared twice: give every port its own number", urn: urnOf(workload) },
      { message: 'port name "grpc-data" is used twice: port names must be unique', urn: urnOf(svc) },
    ]);
  });
});
