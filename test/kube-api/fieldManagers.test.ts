/**
 * Server-side apply field ownership in the sandbox API, on the case that matters to the project:
 * a Service whose atomic `spec.selector` one manager renders and another switches.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { call } from "./support.ts";

let api: KubeApiServer;
beforeEach(async () => {
  api = await startKubeApiServer();
});
afterEach(async () => {
  await api.close();
});

const SERVICES = "/api/v1/namespaces/dp/services";
const APPLY = "application/apply-patch+yaml";
const MERGE = "application/merge-patch+json";

function service(spec: Record<string, unknown>) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "ingest", labels: { agent: "ingest" } },
    spec,
  };
}
const ports = [{ name: "http", port: 8080, targetPort: "http" }];

const apply = (manager: string, body: unknown, force = false) =>
  call(
    api.url,
    "PATCH",
    `${SERVICES}/ingest?fieldManager=${manager}${force ? "&force=true" : ""}`,
    stringify(body),
    APPLY,
  );

interface Entry {
  manager: string;
  operation: string;
  fieldsV1: Record<string, unknown>;
}
const owners = (body: Record<string, unknown>) =>
  ((body.metadata as { managedFields?: Entry[] }).managedFields ?? [])
    .filter(
      (entry) =>
        (entry.fieldsV1["f:spec"] as Record<string, unknown> | undefined)?.["f:selector"] !== undefined,
    )
    .map((entry) => `${entry.manager}/${entry.operation}`);

describe("server-side apply field ownership (sandbox API)", () => {
  it("a rendered selector conflicts on re-apply once another manager changed it", async () => {
    expect((await apply("pulumi", service({ selector: { agent: "ingest" }, ports }))).status).toBe(201);
    const switched = await call(
      api.url,
      "PATCH",
      `${SERVICES}/ingest?fieldManager=rollout-controller`,
      { spec: { selector: { track: "green" } } },
      MERGE,
    );
    expect((switched.body.spec as { selector: unknown }).selector).toEqual({
      agent: "ingest",
      track: "green",
    });
    // The selector is one atomic field: the controller's update took all of it.
    expect(owners(switched.body)).toEqual(["rollout-controller/Update"]);

    const again = await apply("pulumi", service({ selector: { agent: "ingest" }, ports }));
    expect(again).toMatchObject({
      status: 409,
      body: {
        reason: "Conflict",
        message: 'Apply failed with 1 conflict: conflict with "rollout-controller" using v1: .spec.selector',
        details: { causes: [{ reason: "FieldManagerConflict", field: ".spec.selector" }] },
      },
    });
    // Forcing takes the field back, and with it the traffic switch is undone.
    const forced = await apply("pulumi", service({ selector: { agent: "ingest" }, ports }), true);
    expect((forced.body.spec as { selector: unknown }).selector).toEqual({ agent: "ingest" });
    expect(owners(forced.body)).toEqual(["pulumi/Apply"]);
  });

  it("a render without the selector and a controller applying it never conflict", async () => {
    expect((await apply("pulumi", service({ ports }))).status).toBe(201);
    const selector = { agent: "ingest", track: "blue" };
    const controller = await apply(
      "rollout-controller",
      { ...service({ selector }), metadata: { name: "ingest" } },
      true,
    );
    expect(controller.status).toBe(200);
    const again = await apply("pulumi", service({ ports }));
    expect(again.status).toBe(200);
    expect((again.body.spec as { selector: unknown }).selector).toEqual(selector);
    expect(owners(again.body)).toEqual(["rollout-controller/Apply"]);
  });

  it("drops a field its applier stops applying unless another manager owns it", async () => {
    await apply("pulumi", service({ selector: { agent: "ingest" }, ports }));
    const dropped = await apply("pulumi", service({ ports }));
    expect((dropped.body.spec as { selector?: unknown }).selector).toBeUndefined();

    await apply("pulumi", service({ selector: { agent: "ingest" }, ports }));
    await apply(
      "rollout-controller",
      { ...service({ selector: { agent: "ingest", track: "blue" } }), metadata: { name: "ingest" } },
      true,
    );
    // The upgrade to a render without the selector: the controller owns it by then, so it stays.
    const kept = await apply("pulumi", service({ ports }));
    expect((kept.body.spec as { selector?: unknown }).selector).toEqual({ agent: "ingest", track: "blue" });
  });

  it("refuses an apply without a field manager", async () => {
    const answer = await call(api.url, "PATCH", `${SERVICES}/ingest`, stringify(service({ ports })), APPLY);
    expect(answer).toMatchObject({ status: 400, body: { reason: "BadRequest" } });
  });
});
