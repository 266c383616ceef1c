/**
 * The preflight's real reader (`@kubernetes/client-node`) against a small HTTP stand-in of the
 * API server, and the kubeconfig it picks: the one the kubernetes provider would use.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clusterReaderFor,
  loadProviderKubeConfig,
  providerKubeconfigFrom,
} from "../../src/preflight/kubeClusterReader.ts";

const TOKEN = "preflight-test-token";

/** GET path → [status, body] of the stand-in API server. */
const ROUTES: Record<string, [number, unknown]> = {
  "/apis": [200, { kind: "APIGroupList", apiVersion: "v1", groups: [] }],
  "/version": [200, { major: "1", minor: "37", gitVersion: "v1.37.2" }],
  "/apis/monitoring.coreos.com/v1": [
    200,
    {
      kind: "APIResourceList",
      groupVersion: "monitoring.coreos.com/v1",
      resources: [
        {
          name: "podmonitors",
          singularName: "podmonitor",
          namespaced: true,
          kind: "PodMonitor",
          verbs: ["get"],
        },
      ],
    },
  ],
  "/api/v1/namespaces/monitoring": [
    200,
    { kind: "Namespace", apiVersion: "v1", metadata: { name: "monitoring" }, status: { phase: "Active" } },
  ],
  "/api/v1/namespaces/leaving": [
    200,
    { kind: "Namespace", apiVersion: "v1", metadata: { name: "leaving" }, status: { phase: "Terminating" } },
  ],
  "/apis/storage.k8s.io/v1/storageclasses": [
    200,
    {
      kind: "StorageClassList",
      apiVersion: "storage.k8s.io/v1",
      metadata: {},
      items: [
        { metadata: { name: "local-path" }, provisioner: "rancher.io/local-path" },
        { metadata: { name: "fast" }, provisioner: "example.com/fast" },
      ],
    },
  ],
  "/apis/storage.k8s.io/v1/storageclasses/fast": [
    200,
    { metadata: { name: "fast" }, provisioner: "example.com/fast" },
  ],
  "/apis/storage.k8s.io/v1/storageclasses/secret": [
    403,
    { kind: "Status", code: 403, message: 'storageclasses "secret" is forbidden' },
  ],
  "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.custom.metrics.k8s.io": [
    200,
    {
      metadata: { name: "v1beta1.custom.metrics.k8s.io" },
      spec: {
        group: "custom.metrics.k8s.io",
        version: "v1beta1",
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
      status: {
        conditions: [
          {
            type: "Available",
            status: "False",
            reason: "MissingEndpoints",
            message: "endpoints for service/prometheus-adapter have no addresses",
          },
        ],
      },
    },
  ],
  "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.external.metrics.k8s.io": [
    200,
    {
      metadata: { name: "v1beta1.external.metrics.k8s.io" },
      spec: {
        group: "external.metrics.k8s.io",
        version: "v1beta1",
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
      status: { conditions: [{ type: "Available", status: "True" }] },
    },
  ],
};

function answer(request: IncomingMessage): [number, unknown] {
  if (request.headers.authorization !== `Bearer ${TOKEN}`)
    return [401, { kind: "Status", code: 401, message: "Unauthorized" }];
  const path = (request.url ?? "").split("?")[0] ?? "";
  return (
    ROUTES[path] ?? [404, { kind: "Status", code: 404, reason: "NotFound", message: `${path} not found` }]
  );
}

let server: Server;
let url: string;
const scratch = mkdtempSync(join(tmpdir(), "preflight-kubeconfig-"));

function kubeconfigText(options: { token?: string; server?: string; context?: string } = {}): string {
  const context = options.context ?? "stand-in";
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    // client-node speaks plain HTTP only with TLS verification off.
    clusters: [
      { name: "stand-in", cluster: { server: options.server ?? url, "insecure-skip-tls-verify": true } },
    ],
    users: [{ name: "tester", user: { token: options.token ?? TOKEN } }],
    contexts: [
      { name: context, context: { cluster: "stand-in", user: "tester" } },
      { name: "other", context: { cluster: "stand-in", user: "tester" } },
    ],
    "current-context": context,
  });
}

function readerFor(text: string) {
  return clusterReaderFor({ kubeconfig: text }, {}, scratch);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const [status, body] = answer(request);
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe("the cluster reader", () => {
  it("connects and reports the server version", async () => {
    const reader = readerFor(kubeconfigText());
    expect(reader.target).toBe(`context "stand-in" at ${url} from kubernetes:kubeconfig`);
    expect(await reader.connect()).toEqual({ reachable: true, version: "v1.37.2" });
  });

  it("answers each kind of probe as the API server does", async () => {
    const reader = readerFor(kubeconfigText());
    const probe = reader.probe.bind(reader);
    expect(
      await probe({ kind: "apiKind", apiVersion: "monitoring.coreos.com/v1", resourceKind: "PodMonitor" }),
    ).toEqual({ state: "present" });
    expect(
      await probe({
        kind: "apiKind",
        apiVersion: "monitoring.coreos.com/v1",
        resourceKind: "PrometheusRule",
      }),
    ).toEqual({
      state: "missing",
      detail: "monitoring.coreos.com/v1 is served without PrometheusRule",
    });
    expect(
      await probe({ kind: "apiKind", apiVersion: "gateway.networking.k8s.io/v1", resourceKind: "HTTPRoute" }),
    ).toEqual({ state: "missing" });
    expect(await probe({ kind: "namespace", name: "monitoring" })).toEqual({ state: "present" });
    expect(await probe({ kind: "namespace", name: "observability" })).toEqual({ state: "missing" });
    expect(await probe({ kind: "namespace", name: "leaving" })).toEqual({
      state: "missing",
      detail: "it is being deleted",
    });
    expect(await probe({ kind: "storageClass", name: "fast" })).toEqual({ state: "present" });
    expect(await probe({ kind: "storageClass", name: "gp3" })).toEqual({
      state: "missing",
      detail: "the cluster has local-path, fast",
    });
    expect(await probe({ kind: "storageClass", name: "secret" })).toEqual({
      state: "unknown",
      detail: 'no permission: HTTP 403: storageclasses "secret" is forbidden',
    });
    expect(await probe({ kind: "apiService", names: ["v1beta1.external.metrics.k8s.io"] })).toEqual({
      state: "present",
    });
    expect(
      await probe({
        kind: "apiService",
        names: ["v1beta2.custom.metrics.k8s.io", "v1beta1.custom.metrics.k8s.io"],
      }),
    ).toEqual({
      state: "present",
      warning:
        "v1beta1.custom.metrics.k8s.io is registered but not Available (MissingEndpoints: endpoints for service/prometheus-adapter have no addresses): the HPAs cannot read these metrics until it is",
    });
    expect(await probe({ kind: "apiService", names: ["v1beta1.metrics.example.com"] })).toEqual({
      state: "missing",
      detail: "not registered",
    });
  });

  it("rejected credentials and a closed port are unreachable clusters, with the reason", async () => {
    expect(await readerFor(kubeconfigText({ token: "wrong" })).connect()).toEqual({
      reachable: false,
      reason: "the API server rejected the kubeconfig's credentials (HTTP 401 Unauthorized)",
    });
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const closed = await readerFor(kubeconfigText({ server: `http://127.0.0.1:${closedPort}` })).connect();
    expect(closed).toMatchObject({ reachable: false });
    expect(closed.reachable === false && closed.reason).toMatch(/ECONNREFUSED/);
  });
});

describe("the kubeconfig the provider would use", () => {
  const home = join(scratch, "home");
  mkdirSync(join(home, ".kube"), { recursive: true });

  it("no kubeconfig anywhere: says where it looked", () => {
    expect(loadProviderKubeConfig({}, {}, join(scratch, "nowhere"))).toEqual({
      unavailable:
        "no kubeconfig: kubernetes:kubeconfig is not set, KUBECONFIG is unset and ~/.kube/config does not exist",
    });
  });

  it("order: kubernetes:kubeconfig (path or contents), then KUBECONFIG, then ~/.kube/config", () => {
    const fromEnv = join(scratch, "env-config");
    writeFileSync(fromEnv, kubeconfigText({ context: "from-env" }));
    writeFileSync(join(home, ".kube", "config"), kubeconfigText({ context: "from-home" }));
    const fromStack = join(scratch, "stack-config");
    writeFileSync(fromStack, kubeconfigText({ context: "from-stack" }));
    const current = (loaded: ReturnType<typeof loadProviderKubeConfig>) =>
      "unavailable" in loaded ? loaded.unavailable : loaded.kubeConfig.getCurrentContext();
    expect(current(loadProviderKubeConfig({}, {}, home))).toBe("from-home");
    expect(current(loadProviderKubeConfig({}, { KUBECONFIG: fromEnv }, home))).toBe("from-env");
    expect(current(loadProviderKubeConfig({ kubeconfig: fromStack }, { KUBECONFIG: fromEnv }, home))).toBe(
      "from-stack",
    );
    expect(
      current(loadProviderKubeConfig({ kubeconfig: kubeconfigText({ context: "inline" }) }, {}, home)),
    ).toBe("inline");
    expect(current(loadProviderKubeConfig({ context: "other" }, {}, home))).toBe("other");
    expect(current(loadProviderKubeConfig({ context: "missing" }, {}, home))).toBe(
      `kubernetes:context "missing" is not in ${join(home, ".kube", "config")} (contexts: from-home, other)`,
    );
    expect(current(loadProviderKubeConfig({}, { KUBECONFIG: join(scratch, "absent") }, home))).toBe(
      `KUBECONFIG names no existing file (${join(scratch, "absent")})`,
    );
  });

  it("reads the provider settings from the engine's config map", () => {
    expect(
      providerKubeconfigFrom({
        "kubernetes:context": "prod",
        "kubernetes:kubeconfig": "",
        "agent-fleet:environment": "prod",
      }),
    ).toEqual({ kubeconfig: undefined, context: "prod", cluster: undefined });
  });
});
