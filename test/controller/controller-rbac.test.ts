/**
 * Least privilege, checked against behaviour: every request the controller makes during canary,
 * abort and blue-green releases is allowed by the RBAC it ships with, also under the
 * `OwnerReferencesPermissionEnforcement` admission plugin, and the RBAC grants nothing beyond the
 * listed verbs.
 */
import { afterEach, describe, expect, it } from "vitest";
import { KINDS } from "../../src/controller/kube/cluster.ts";
import {
  AGENT_NAMESPACE_RULES,
  buildRolloutControllerObjects,
  type RolloutControllerSpec,
} from "../../src/manifests/controller/index.ts";
import {
  type AccessAttributes,
  ownerReferencesPermissionEnforcement,
} from "../../src/sandbox/kube-api/admission.ts";
import { SANDBOX_RESOURCES } from "../../src/sandbox/kube-api/resources.ts";
import { BAD_ERRORS } from "./support/fakePrometheus.ts";
import { NAMESPACE } from "./support/fixtures.ts";
import { createAgent, type Harness, releaseVersion, startHarness, waitForStatus } from "./support/harness.ts";

const spec: RolloutControllerSpec = {
  namespace: "agent-fleet-system",
  name: "agent-fleet-controller",
  image: "ghcr.io/agent-fleet/rollout-controller:0.1.0",
  watchNamespaces: [NAMESPACE],
  prometheusUrl: "http://prometheus-operated.monitoring.svc:9090",
  prometheusPeer: { namespace: "monitoring", port: 9090 },
  monitoringNamespace: "monitoring",
  replicas: 2,
  leaseName: "agent-fleet-rollout-controller",
  environment: "dev",
  logLevel: "info",
};

interface Rule {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
  resourceNames?: readonly string[];
}

interface Access {
  namespace: string;
  group: string;
  resource: string;
  verb: string;
  name?: string;
}

/** Kubernetes' request → RBAC attributes mapping for the paths the controller uses. */
function accessOf(method: string, path: string, query: URLSearchParams): Access | undefined {
  const match =
    /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
      path,
    );
  if (!match) return undefined;
  const [, group = "", namespace = "", plural = "", name, sub] = match;
  const verb =
    {
      GET: name ? "get" : query.get("watch") ? "watch" : "list",
      POST: "create",
      PUT: "update",
      PATCH: "patch",
      DELETE: "delete",
    }[method] ?? method;
  return { namespace, group, resource: sub ? `${plural}/${sub}` : plural, verb, name };
}

function allows(rules: readonly Rule[], access: Access): boolean {
  return rules.some(
    (rule) =>
      rule.apiGroups.includes(access.group) &&
      rule.resources.includes(access.resource) &&
      rule.verbs.includes(access.verb) &&
      (!rule.resourceNames || (access.name !== undefined && rule.resourceNames.includes(access.name))),
  );
}

const isController = (userAgent: string) => userAgent.startsWith("agent-fleet-rollout-controller/");

/** The shipped agent-namespace rules (optionally without some), as the admission plugin's authorizer. */
function controllerAuthorizer(without: (rule: Rule) => boolean = () => false) {
  const objects = buildRolloutControllerObjects(spec);
  const rules = ((objects.find((object) => object.kind === "ClusterRole")?.rules ?? []) as Rule[]).filter(
    (rule) => !without(rule),
  );
  return (userAgent: string, access: AccessAttributes) =>
    !isController(userAgent) ||
    allows(rules, {
      namespace: access.namespace ?? "",
      group: access.group,
      resource: access.subresource ? `${access.resource}/${access.subresource}` : access.resource,
      verb: access.verb,
      name: access.name,
    });
}

describe("rollout controller RBAC", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it("grants only explicit verbs, only through RoleBindings in agent namespaces", () => {
    const objects = buildRolloutControllerObjects(spec);
    const kinds = objects.map((object) => object.kind);
    expect(kinds).not.toContain("ClusterRoleBinding");
    const bindings = objects.filter((object) => object.kind === "RoleBinding");
    expect(bindings.map((binding) => binding.metadata.namespace).sort()).toEqual(
      [spec.namespace, NAMESPACE].sort(),
    );
    const allRules = objects.flatMap((object) => (object.rules as Rule[] | undefined) ?? []);
    for (const rule of allRules) {
      expect(rule.verbs).not.toContain("*");
      expect(rule.resources).not.toContain("*");
      expect(rule.verbs).not.toContain("delete");
      expect(rule.resources).not.toContain("secrets");
    }
    // Status, not the AgentRollout itself: the controller cannot touch Pulumi's fields.
    const rolloutRule = (AGENT_NAMESPACE_RULES as readonly Rule[]).find((rule) =>
      rule.resources.includes("agentrollouts"),
    );
    expect(rolloutRule?.verbs).toEqual(["get", "list", "watch"]);
  });

  it("covers every request the controller makes while releasing and aborting", async () => {
    const accesses: Access[] = [];
    harness = await startHarness({
      admission: [ownerReferencesPermissionEnforcement(SANDBOX_RESOURCES, controllerAuthorizer())],
      onRequest: (method, path, query, userAgent) => {
        // client-node's Watch sends no custom User-Agent; only the controller watches in this test.
        const controller = isController(userAgent) || query.get("watch") === "true";
        const access = controller ? accessOf(method, path, query) : undefined;
        if (access) accesses.push(access);
      },
    });
    await createAgent(harness, { minReplicas: 2 });
    await createAgent(harness, {
      agent: "export",
      router: "serviceSelector",
      minReplicas: 2,
      blueGreen: { scaleDownDelaySeconds: 1, autoPromote: true },
    });
    await harness.startController();
    await waitForStatus(harness, "Healthy", (s) => s.phase === "Healthy");
    await releaseVersion(harness, "1.1.0");
    await releaseVersion(harness, "1.1.0", "export");
    await waitForStatus(harness, "canary done", (s) => s.phase === "Healthy" && s.activeTrack === "green");
    await waitForStatus(
      harness,
      "blue-green done",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
      15_000,
      "export",
    );
    harness.prometheus.setTrack("blue", BAD_ERRORS);
    await releaseVersion(harness, "1.2.0");
    await waitForStatus(harness, "aborted", (s) => s.phase === "Degraded");

    const objects = buildRolloutControllerObjects(spec);
    const agentRules = (objects.find((object) => object.kind === "ClusterRole")?.rules ?? []) as Rule[];
    const leaseRules = (objects.find((object) => object.kind === "Role")?.rules ?? []) as Rule[];
    expect(accesses.length).toBeGreaterThan(50);
    const denied = accesses.filter((access) =>
      access.namespace === spec.namespace ? !allows(leaseRules, access) : !allows(agentRules, access),
    );
    expect(denied).toEqual([]);
    const used = new Set(accesses.map((access) => `${access.resource}:${access.verb}`));
    for (const expected of [
      "agentrollouts:watch",
      "agentrollouts/status:patch",
      "agentrollouts/scale:update",
      "deployments:create",
      "deployments:patch",
      "services:patch",
      "httproutes:update",
      "events:create",
      "leases:update",
    ]) {
      expect(used).toContain(expected);
    }
  });

  it("without update on agentrollouts/finalizers the owned creates are forbidden by admission", async () => {
    const refused: string[] = [];
    const enforce = ownerReferencesPermissionEnforcement(
      SANDBOX_RESOURCES,
      controllerAuthorizer((rule) => rule.resources.includes("agentrollouts/finalizers")),
    );
    harness = await startHarness({
      admission: [
        (request) => {
          try {
            enforce(request);
          } catch (error) {
            refused.push(
              `${request.operation} ${request.type.kind} ${request.name}: ${(error as Error).message}`,
            );
            throw error;
          }
        },
      ],
    });
    await createAgent(harness, { minReplicas: 1 });
    await harness.startController();
    await waitForStatus(harness, "a reported problem", (s) => (s.message ?? "").includes("forbidden"));
    expect(refused).toContain(
      'CREATE HTTPRoute ingest: httproutes.gateway.networking.k8s.io "ingest" is forbidden: cannot set blockOwnerDeletion if an ownerReference refers to a resource you can\'t set finalizers on',
    );
    expect(
      await harness.cluster.get(KINDS.httpRoute, { namespace: NAMESPACE, name: "ingest" }),
    ).toBeUndefined();
  });
});
