/**
 * The API agreement scenario (test/support/apiAgreement.ts) against the sandbox API: the
 * observations kube-apiserver v1.37 made about this project, which the real tier compares with
 * the same scenario run against a real control plane.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeConfigForServer } from "../../src/controller/kube/clientNodeCluster.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { type AgreementRecord, runApiAgreementScenario } from "../support/apiAgreement.ts";

let api: KubeApiServer;
let record: AgreementRecord;
beforeAll(async () => {
  api = await startKubeApiServer();
  record = await runApiAgreementScenario(kubeConfigForServer(api.url), "agreement");
}, 20_000);
afterAll(async () => {
  await api.close();
});

describe("API agreement scenario on the sandbox API", () => {
  it("scale subresource: 500 while spec.replicas is unset; one seed creates it; a stale seed conflicts", () => {
    expect(record.scale).toEqual({
      createWithoutReplicas: { status: 201 },
      getWhileUnset: {
        status: 500,
        reason: "InternalError",
        message: 'Internal error occurred: the spec replicas field ".spec.replicas" does not exist',
      },
      seed: { status: 200, specReplicas: 2 },
      getAfterSeed: { status: 200, specReplicas: 2, statusReplicas: 0 },
      specReplicasAfterSeed: 2,
      staleSeed: expect.objectContaining({ status: 409, reason: "Conflict" }),
    });
  });

  it("HTTPRoute: backendRefs come back with group, kind (and matches with a type) defaulted", () => {
    expect(record.httpRoute).toEqual({
      served: true,
      create: { status: 201 },
      parentRefs: [
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", namespace: "gateway-system" },
      ],
      matches: [{ path: { type: "PathPrefix", value: "/" } }],
      backendRefs: [
        { group: "", kind: "Service", name: "agreement-blue", port: 8080, weight: 100 },
        { group: "", kind: "Service", name: "agreement-green", port: 8080, weight: 0 },
      ],
      writtenFieldsHeld: true,
      identicalToWritten: false,
    });
  });

  it("Deployment: the pod template's defaults, written fields unchanged", () => {
    expect(record.deployment).toEqual({
      create: { status: 201 },
      defaulted: {
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        restartPolicy: "Always",
        dnsPolicy: "ClusterFirst",
        schedulerName: "default-scheduler",
        terminationGracePeriodSeconds: 30,
        securityContext: {},
        imagePullPolicy: "IfNotPresent",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        portProtocol: "TCP",
        readinessProbe: {
          httpGet: { path: "/ready", port: "http", scheme: "HTTP" },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
      },
      writtenFieldsHeld: true,
    });
  });

  it("Service: a rendered selector conflicts after another manager's switch; no rendered selector never does", () => {
    expect(record.service.renderedWithSelector).toEqual({
      apply: { status: 201 },
      switchSelector: { status: 200 },
      selectorOwnersAfterSwitch: ["agreement-switcher/Update"],
      reapply: {
        status: 409,
        reason: "Conflict",
        message: 'Apply failed with 1 conflict: conflict with "agreement-switcher" using v1: .spec.selector',
      },
      conflict: true,
    });
    expect(record.service.renderedWithoutSelector).toEqual({
      apply: { status: 201 },
      switchSelector: { status: 200 },
      selectorOwnersAfterSwitch: ["agreement-switcher/Apply"],
      reapply: { status: 200 },
      conflict: false,
      selectorAfterReapply: { agent: "agreement-agent", track: "green" },
      reapplyChangedResourceVersion: false,
    });
  });

  it("watch: ended by the server at timeoutSeconds, nothing else (no bookmark on a quiet 5 s watch)", () => {
    expect(record.watch).toEqual({
      endedCleanly: true,
      endedAtTimeout: true,
      sawBookmark: false,
      otherEvents: [],
    });
  });
});
