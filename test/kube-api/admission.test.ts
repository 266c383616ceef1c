/** Admission hooks of the sandbox API and its OwnerReferencesPermissionEnforcement emulation. */
import { afterEach, describe, expect, it } from "vitest";
import {
  type AccessAttributes,
  ownerReferencesPermissionEnforcement,
} from "../../src/sandbox/kube-api/admission.ts";
import { SANDBOX_RESOURCES } from "../../src/sandbox/kube-api/resources.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { call, DEPLOYMENTS, ROLLOUTS, rollout } from "./support.ts";

let api: KubeApiServer | undefined;
afterEach(async () => {
  await api?.close();
});

const owned = (uid: string, blockOwnerDeletion: boolean) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "track",
    ownerReferences: [
      { apiVersion: "agentfleet.dev/v1alpha1", kind: "AgentRollout", name: "a", uid, blockOwnerDeletion },
    ],
  },
  spec: { replicas: 1, selector: { matchLabels: { agent: "a" } } },
});

describe("OwnerReferencesPermissionEnforcement (sandbox emulation)", () => {
  it("asks for update on the owner's finalizers to block its deletion, and delete to change refs later", async () => {
    const asked: string[] = [];
    const grants = new Set(["update agentrollouts/finalizers"]);
    const authorize = (_userAgent: string, access: AccessAttributes) => {
      const what = `${access.verb} ${access.resource}${access.subresource ? `/${access.subresource}` : ""}`;
      asked.push(`${what} ${access.name}`);
      return grants.has(what);
    };
    api = await startKubeApiServer({
      admission: [ownerReferencesPermissionEnforcement(SANDBOX_RESOURCES, authorize)],
    });
    const owner = await call(api.url, "POST", ROLLOUTS, rollout("a"));
    const uid = (owner.body.metadata as { uid: string }).uid;
    expect((await call(api.url, "POST", DEPLOYMENTS, owned(uid, true))).status).toBe(201);
    expect(asked).toEqual(["update agentrollouts/finalizers a"]);

    // Same references on an update: nothing to check.
    const same = await call(api.url, "PUT", `${DEPLOYMENTS}/track`, owned(uid, true));
    expect(same.status).toBe(200);
    expect(asked).toHaveLength(1);

    grants.delete("update agentrollouts/finalizers");
    const refused = await call(api.url, "POST", DEPLOYMENTS, {
      ...owned(uid, true),
      metadata: { ...owned(uid, true).metadata, name: "other" },
    });
    expect(refused).toMatchObject({
      status: 403,
      body: {
        reason: "Forbidden",
        message:
          'deployments.apps "other" is forbidden: cannot set blockOwnerDeletion if an ownerReference refers to a resource you can\'t set finalizers on',
      },
    });
    // Changing references on an existing object needs delete on that object.
    const changed = await call(api.url, "PUT", `${DEPLOYMENTS}/track`, owned(uid, false));
    expect(changed).toMatchObject({ status: 403, body: { reason: "Forbidden" } });
    expect(asked.at(-1)).toBe("delete deployments track");
    // Objects without references are never checked.
    expect((await call(api.url, "POST", ROLLOUTS, rollout("b"))).status).toBe(201);
  });
});
