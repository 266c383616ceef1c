/**
 * Server-side defaulting of the sandbox API, and the controller's rule for drift: only the fields
 * it sets count. The HTTPRoute defaults are checked against the Gateway API CRD itself when its
 * Go module is in the local module cache (the real tier downloads it).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { holdsFieldsWeSet } from "../../src/controller/kube/fieldsWeSet.ts";
import { HTTP_ROUTE_DEFAULTS } from "../../src/sandbox/kube-api/defaults.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { call, DEPLOYMENTS } from "./support.ts";

let api: KubeApiServer;
beforeEach(async () => {
  api = await startKubeApiServer();
});
afterEach(async () => {
  await api.close();
});

const ROUTES = "/apis/gateway.networking.k8s.io/v1/namespaces/dp/httproutes";
const SERVICES = "/api/v1/namespaces/dp/services";

describe("sandbox API defaulting (as kube-apiserver stores objects)", () => {
  it("defaults HTTPRoute parentRefs, matches and backendRefs from the CRD schema", async () => {
    const created = await call(api.url, "POST", ROUTES, {
      metadata: { name: "r" },
      spec: {
        parentRefs: [{ name: "gw" }],
        rules: [
          {
            backendRefs: [
              { name: "a", port: 80 },
              { name: "b", port: 80, weight: 0 },
            ],
          },
        ],
      },
    });
    expect(created.body.spec).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" }],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [
            { group: "", kind: "Service", name: "a", port: 80, weight: 1 },
            { group: "", kind: "Service", name: "b", port: 80, weight: 0 },
          ],
        },
      ],
    });
    const bare = await call(api.url, "POST", ROUTES, { metadata: { name: "bare" }, spec: {} });
    expect(bare.body.spec).toEqual({ rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }] }] });
  });

  it("defaults a Deployment and its pod template, also on every later write", async () => {
    const created = await call(api.url, "POST", DEPLOYMENTS, {
      metadata: { name: "d" },
      spec: {
        selector: { matchLabels: { a: "b" } },
        template: {
          metadata: { labels: { a: "b" } },
          spec: {
            containers: [
              {
                name: "c",
                image: "ghcr.io/x/agent:1.0.0",
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
              },
              { name: "sidecar", image: "ghcr.io/x/tool" },
            ],
          },
        },
      },
    });
    const spec = created.body.spec as Record<string, unknown>;
    expect(spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        spec: {
          restartPolicy: "Always",
          terminationGracePeriodSeconds: 30,
          dnsPolicy: "ClusterFirst",
          schedulerName: "default-scheduler",
          securityContext: {},
          containers: [
            {
              imagePullPolicy: "IfNotPresent",
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              resources: {},
              ports: [{ containerPort: 8080, protocol: "TCP" }],
              readinessProbe: {
                httpGet: { path: "/ready", port: 8080, scheme: "HTTP" },
                timeoutSeconds: 1,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 3,
              },
            },
            { imagePullPolicy: "Always" },
          ],
        },
      },
    });
    const patched = await call(
      api.url,
      "PATCH",
      `${DEPLOYMENTS}/d`,
      { spec: { strategy: { rollingUpdate: { maxUnavailable: 0 } } } },
      "application/merge-patch+json",
    );
    expect((patched.body.spec as { strategy: unknown }).strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
    });
  });

  it("defaults a Service and keeps its allocated address when an update omits it", async () => {
    const created = await call(api.url, "POST", SERVICES, {
      metadata: { name: "s" },
      spec: { selector: { agent: "a" }, ports: [{ name: "http", port: 80 }] },
    });
    const spec = created.body.spec as { clusterIP: string };
    expect(spec).toMatchObject({
      type: "ClusterIP",
      sessionAffinity: "None",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      internalTrafficPolicy: "Cluster",
      ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 80 }],
    });
    expect(spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    const replaced = await call(api.url, "PUT", `${SERVICES}/s`, {
      metadata: { name: "s" },
      spec: { selector: { agent: "a" }, ports: [{ name: "http", port: 80 }] },
    });
    expect((replaced.body.spec as { clusterIP: string }).clusterIP).toBe(spec.clusterIP);
  });
});

const GATEWAY_API_CRD = join(
  process.env.GOMODCACHE ?? join(homedir(), "go", "pkg", "mod"),
  "sigs.k8s.io/gateway-api@v1.6.3/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
);

interface SchemaNode {
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

function schemaDefaults(node: SchemaNode, path = ""): Array<[string, unknown]> {
  const own: Array<[string, unknown]> = node.default !== undefined ? [[path, node.default]] : [];
  const children = Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    schemaDefaults(child, `${path}.${key}`),
  );
  return [...own, ...children, ...(node.items ? schemaDefaults(node.items, `${path}[]`) : [])];
}

describe.skipIf(!existsSync(GATEWAY_API_CRD))("HTTPRoute defaults against the Gateway API v1.6.3 CRD", () => {
  it("are exactly the defaults of the storage version's schema", () => {
    const crd = parse(readFileSync(GATEWAY_API_CRD, "utf8")) as {
      spec: { versions: Array<{ storage: boolean; schema: { openAPIV3Schema: SchemaNode } }> };
    };
    const storage = crd.spec.versions.find((version) => version.storage);
    const fromCrd = schemaDefaults(storage?.schema.openAPIV3Schema ?? {});
    const sort = (pairs: ReadonlyArray<readonly [string, unknown]>) =>
      [...pairs].map(([path, value]) => `${path}=${JSON.stringify(value)}`).sort();
    expect(sort(HTTP_ROUTE_DEFAULTS)).toEqual(sort(fromCrd));
  });
});

describe("drift judged on the fields we set", () => {
  it("ignores server defaults and others' fields, sees changed values and list shape", () => {
    const wanted = { rules: [{ backendRefs: [{ name: "a", port: 80, weight: 5 }] }], hostnames: ["x"] };
    const defaulted = {
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ group: "", kind: "Service", name: "a", port: 80, weight: 5 }],
        },
      ],
      hostnames: ["x"],
    };
    expect(holdsFieldsWeSet(wanted, defaulted)).toBe(true);
    expect(holdsFieldsWeSet(wanted, { ...defaulted, hostnames: ["y"] })).toBe(false);
    expect(holdsFieldsWeSet(wanted, { ...defaulted, hostnames: ["x", "y"] })).toBe(false);
    expect(holdsFieldsWeSet(wanted, { hostnames: ["x"] })).toBe(false);
    expect(holdsFieldsWeSet({ weight: 0 }, { weight: 1 })).toBe(false);
    expect(holdsFieldsWeSet({ labels: { a: "1" } }, { labels: { a: "1", b: "2" } })).toBe(true);
  });
});
