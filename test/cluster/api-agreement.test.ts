/**
 * The fast tier's API double against the real thing: the same agreement scenario
 * (test/support/apiAgreement.ts) runs against kube-apiserver v1.37.2 and against the sandbox API
 * server, and the two records must be equal — scale subresource without spec.replicas, server
 * defaulting of HTTPRoutes and Deployments, server-side-apply field ownership, watch bookmarks.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type ControlPlane, startControlPlane } from "../../harness/cluster/controlPlane.ts";
import { installNamespaces, installPrerequisiteCrds } from "../../harness/cluster/fleet.ts";
import { kubeConfigForServer } from "../../src/controller/kube/clientNodeCluster.ts";
import { buildAgentRolloutCrd } from "../../src/manifests/agentRolloutCrd.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { type AgreementRecord, runApiAgreementScenario } from "../support/apiAgreement.ts";

const NAMESPACE = "agreement";
let plane: ControlPlane;
let sandbox: KubeApiServer;
let real: AgreementRecord;
let double: AgreementRecord;

beforeAll(async () => {
  plane = await startControlPlane();
  installPrerequisiteCrds(plane);
  plane.kubectl(["apply", "--server-side", "-f", "-"], { input: stringify(buildAgentRolloutCrd()) });
  plane.kubectl(["wait", "--for=condition=established", "--timeout=60s", "crd/agentrollouts.agentfleet.dev"]);
  installNamespaces(plane, [NAMESPACE]);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(plane.adminKubeconfig);
  real = await runApiAgreementScenario(kubeConfig, NAMESPACE);
  sandbox = await startKubeApiServer();
  double = await runApiAgreementScenario(kubeConfigForServer(sandbox.url), NAMESPACE);
});

afterAll(async () => {
  await sandbox?.close();
  await plane?.stop();
});

describe("the sandbox API server agrees with kube-apiserver v1.37.2", () => {
  it("on the scale subresource (500 while spec.replicas is unset, the seed, a stale seed)", () => {
    expect(double.scale).toEqual(real.scale);
    expect(real.scale.getWhileUnset.status).toBe(500);
  });

  it("on HTTPRoute defaulting (backendRef group/kind, match type) as the controller reads it", () => {
    expect(real.httpRoute.served).toBe(true);
    expect(double.httpRoute).toEqual(real.httpRoute);
  });

  it("on the whole record: Deployment defaults, field ownership and conflicts, watches", () => {
    expect(double).toEqual(real);
  });
});
