/**
 * One owner per field of the Services the controller switches. The render leaves the active and
 * preview Services' (atomic) `spec.selector` to the controller, which applies it with its own
 * field manager; so after a blue-green switch, re-applying the render server-side (what Pulumi
 * and `kubectl apply --server-side` do) neither conflicts nor undoes the switch, and changes
 * nothing at all. The old render, with a selector, is shown conflicting for contrast.
 */
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadStack } from "../../src/config/index.ts";
import { KINDS, type KubeObject } from "../../src/controller/kube/cluster.ts";
import { buildServices } from "../../src/manifests/agent/services.ts";
import { agentRollout, NAMESPACE } from "./support/fixtures.ts";
import { type Harness, releaseVersion, startHarness, waitForStatus } from "./support/harness.ts";

const fleet = loadStack("dev").fleet;

function renderedServices(id: string): KubeObject[] {
  const agent = fleet.agents.find((candidate) => candidate.id === id);
  if (!agent) throw new Error(`no agent ${id} in the dev stack`);
  return buildServices(agent) as KubeObject[];
}

async function applyAs(harness: Harness, manager: string, object: KubeObject) {
  const response = await fetch(
    `${harness.api.url}/api/v1/namespaces/${NAMESPACE}/services/${object.metadata.name}?fieldManager=${manager}`,
    { method: "PATCH", headers: { "Content-Type": "application/apply-patch+yaml" }, body: stringify(object) },
  );
  return { status: response.status, body: (await response.json()) as KubeObject & { message?: string } };
}

const selectorOf = (object: KubeObject | undefined) =>
  (object?.spec as { selector?: Record<string, string> } | undefined)?.selector;

describe("Service selector ownership", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it("re-applying the render after a blue-green switch conflicts with nothing and changes nothing", async () => {
    harness = await startHarness();
    const services = renderedServices("enrich");
    expect(services.map((service) => [service.metadata.name, selectorOf(service)])).toEqual([
      ["enrich", undefined],
      ["enrich-preview", undefined],
      ["enrich-blue", { agent: "enrich", track: "blue" }],
      ["enrich-green", { agent: "enrich", track: "green" }],
    ]);
    for (const service of services) expect((await applyAs(harness, "pulumi", service)).status).toBe(201);
    await harness.cluster.create(
      agentRollout({
        agent: "enrich",
        router: "serviceSelector",
        minReplicas: 2,
        blueGreen: { scaleDownDelaySeconds: 1, autoPromote: true },
      }),
    );
    await harness.startController();
    await waitForStatus(harness, "Healthy", (s) => s.phase === "Healthy", undefined, "enrich");
    await releaseVersion(harness, "1.1.0", "enrich");
    await waitForStatus(
      harness,
      "switched to green and settled",
      (s) => s.phase === "Healthy" && s.activeTrack === "green",
      15_000,
      "enrich",
    );

    for (const service of services) {
      const key = { namespace: NAMESPACE, name: service.metadata.name };
      const before = await harness.cluster.get(KINDS.service, key);
      const reapplied = await applyAs(harness, "pulumi", service);
      expect(reapplied.status, `${service.metadata.name}: ${reapplied.body.message ?? ""}`).toBe(200);
      // A no-op: same resourceVersion, the controller's selector untouched.
      expect(reapplied.body.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
      expect(selectorOf(reapplied.body)).toEqual(selectorOf(before));
    }
    const active = await harness.cluster.get(KINDS.service, { namespace: NAMESPACE, name: "enrich" });
    expect(selectorOf(active)).toEqual({ agent: "enrich", track: "green" });
    const owners = (
      active?.metadata as { managedFields?: Array<Record<string, unknown>> } | undefined
    )?.managedFields
      ?.filter(
        (entry) => (entry.fieldsV1 as { "f:spec"?: Record<string, unknown> })["f:spec"]?.["f:selector"],
      )
      .map((entry) => `${entry.manager}/${entry.operation}`);
    expect(owners).toEqual(["agent-fleet-rollout-controller/Apply"]);

    // The old render kept `selector: {agent}` on the active Service: that apply conflicts.
    const [activeService] = services;
    const withSelector = {
      ...activeService,
      spec: { ...(activeService?.spec as object), selector: { agent: "enrich" } },
    };
    const old = await applyAs(harness, "pulumi", withSelector as KubeObject);
    expect(old.status).toBe(409);
    expect(old.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "agent-fleet-rollout-controller" using v1: .spec.selector',
    );
  });
});
