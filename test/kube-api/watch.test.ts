import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientNodeCluster, kubeConfigForServer } from "../../src/controller/kube/clientNodeCluster.ts";
import { KINDS, type WatchEvent } from "../../src/controller/kube/cluster.ts";
import { Informer, type InformerEventType } from "../../src/controller/kube/informer.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { call, ROLLOUTS, rollout } from "./support.ts";

let api: KubeApiServer;
let cluster: ClientNodeCluster;
beforeEach(async () => {
  api = await startKubeApiServer({ bookmarkIntervalMs: 100 });
  cluster = new ClientNodeCluster(kubeConfigForServer(api.url), {
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
});
afterEach(async () => {
  await api.close();
});

const until = async (check: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("sandbox Kubernetes API: watches (through client-node's Watch)", () => {
  it("resumes from a resourceVersion, filters by label, sends bookmarks", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("before", { team: "a" }));
    const { resourceVersion } = await cluster.list(KINDS.agentRollout, { namespace: "dp" });
    await call(api.url, "POST", ROLLOUTS, rollout("missed", { team: "a" }));
    await call(api.url, "POST", ROLLOUTS, rollout("other-team", { team: "b" }));
    const events: WatchEvent[] = [];
    const handle = await cluster.watch(
      KINDS.agentRollout,
      { namespace: "dp", resourceVersion, labelSelector: "team=a" },
      (event) => events.push(event),
    );
    await call(
      api.url,
      "PATCH",
      `${ROLLOUTS}/before`,
      { spec: { minReplicas: 2 } },
      "application/merge-patch+json",
    );
    await until(
      () =>
        events.some((event) => event.type === "BOOKMARK") &&
        events.some((event) => event.type === "MODIFIED"),
    );
    const changes = events
      .filter((event) => event.type !== "BOOKMARK")
      .map((event) => `${event.type}:${event.object.metadata.name}`);
    expect(changes).toEqual(["ADDED:missed", "MODIFIED:before"]);
    handle.stop();
    expect(await handle.closed).toBeUndefined();
  });

  it("answers 410 Expired for a resourceVersion older than its history", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("x"));
    await call(api.url, "POST", ROLLOUTS, rollout("y"));
    api.store.compact();
    const late = await cluster.watch(KINDS.agentRollout, { namespace: "dp", resourceVersion: "1" }, () => {});
    expect(await late.closed).toMatchObject({ status: 410, reason: "Expired" });
  });

  it("reports a dropped stream as an error so the informer resumes", async () => {
    const handle = await cluster.watch(
      KINDS.agentRollout,
      { namespace: "dp", resourceVersion: "0" },
      () => {},
    );
    await until(() => api.faults.dropWatches() > 0);
    expect(await handle.closed).toBeInstanceOf(Error);
  });
});

describe("informer", () => {
  it("lists, follows, relists after history expired, and resyncs", async () => {
    await call(api.url, "POST", ROLLOUTS, rollout("one"));
    const seen: Array<[InformerEventType, string]> = [];
    const logs: string[] = [];
    const informer = new Informer(cluster, KINDS.agentRollout, {
      namespace: "dp",
      resyncMs: 200,
      logger: pino({ level: "info" }, { write: (line: string) => logs.push(line) }),
      onEvent: (type, object) => seen.push([type, object.metadata.name]),
    });
    await informer.start();
    expect(informer.list().map((o) => o.metadata.name)).toEqual(["one"]);
    await call(api.url, "POST", ROLLOUTS, rollout("two"));
    await until(() => informer.get("dp/two") !== undefined);

    // The watch drops and cannot come back while changes happen and history is compacted:
    // resuming answers 410, so the informer relists and catches up, deletions included.
    const outage = api.faults.add({ method: "GET", path: "/agentrollouts", watches: true, status: 503 });
    api.faults.dropWatches();
    await call(api.url, "DELETE", `${ROLLOUTS}/one`);
    await call(api.url, "POST", ROLLOUTS, rollout("three"));
    api.store.compact();
    await new Promise((resolve) => setTimeout(resolve, 200));
    api.faults.remove(outage);
    await until(() => informer.get("dp/three") !== undefined && informer.get("dp/one") === undefined, 5000);
    expect(logs.some((line) => line.includes("relisting"))).toBe(true);
    await until(() => seen.some(([type]) => type === "RESYNC"));
    expect(seen).toContainEqual(["DELETED", "one"]);
    informer.stop();
  });
});
