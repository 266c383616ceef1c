import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientNodeCluster, kubeConfigForServer } from "../../src/controller/kube/clientNodeCluster.ts";
import { KINDS, type WatchEvent } from "../../src/controller/kube/cluster.ts";
import { Informer, type InformerEventType } from "../../src/controller/kube/informer.ts";
import { type KubeApiServer, startKubeApiServer } from "../../src/sandbox/kube-api/server.ts";
import { timed } from "../support/timing.ts";
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

describe("watch lifetime: the server ends it, the client resumes", () => {
  it("the sandbox ends a quiet watch at timeoutSeconds, with no bookmark before a minute (as kube-apiserver)", async () => {
    const quiet = await startKubeApiServer({ bookmarkIntervalMs: 60_000 });
    try {
      await call(quiet.url, "POST", ROLLOUTS, rollout("a"));
      const watch = await timed(async () => {
        const response = await fetch(
          `${quiet.url}${ROLLOUTS}?watch=true&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=3`,
        );
        return (await response.text()).trim().split("\n");
      });
      // At timeoutSeconds: not before, and not later than this process was measured to run late.
      expect(watch.elapsedMs).toBeGreaterThanOrEqual(2900);
      expect(watch.elapsedMs).toBeLessThan(4500 + watch.lagMs);
      expect(watch.value.filter(Boolean)).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it("a quiet watch outlives the request timeout and ends cleanly when the server ends it", async () => {
    const quiet = await startKubeApiServer({ bookmarkIntervalMs: 60_000 });
    try {
      const client = new ClientNodeCluster(kubeConfigForServer(quiet.url), {
        requestTimeoutMs: 200,
        watchTimeoutSeconds: 1,
      });
      const started = Date.now();
      const handle = await client.watch(
        KINDS.agentRollout,
        { namespace: "dp", resourceVersion: "0" },
        () => {},
      );
      expect(await handle.closed).toBeUndefined();
      // timeoutSeconds is 1 s plus up to as much again of jitter.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await quiet.close();
    }
  });

  it("a watch the server never ends fails once its deadline and the grace have passed", async () => {
    const asked: string[] = [];
    const silent = createServer((request, response) => {
      asked.push(new URL(request.url ?? "/", "http://x").searchParams.get("timeoutSeconds") ?? "");
      response.writeHead(200, { "Content-Type": "application/json" });
      response.flushHeaders();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const client = new ClientNodeCluster(kubeConfigForServer(`http://127.0.0.1:${port}`), {
        watchTimeoutSeconds: 1,
        watchGraceSeconds: 1,
      });
      const watch = await timed(async () => {
        const handle = await client.watch(
          KINDS.agentRollout,
          { namespace: "dp", resourceVersion: "5" },
          () => {},
        );
        return handle.closed;
      });
      expect(watch.value).toMatchObject({ reason: "Timeout" });
      const timeoutSeconds = Number(asked[0]);
      expect([1, 2]).toContain(timeoutSeconds);
      // Once the deadline and the grace (1 s) have passed, not before; late only by what this
      // process was measured to run late.
      expect(watch.elapsedMs).toBeGreaterThanOrEqual((timeoutSeconds + 1) * 1000 - 100);
      expect(watch.elapsedMs).toBeLessThan((timeoutSeconds + 1) * 1000 + 1500 + watch.lagMs);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("the informer re-watches from the last bookmark after each server end: no relist, no warning", async () => {
    const requests: URLSearchParams[] = [];
    const quiet = await startKubeApiServer({
      bookmarkIntervalMs: 300,
      onRequest: (method, path, query) => {
        if (method === "GET" && path.endsWith("/agentrollouts")) requests.push(query);
      },
    });
    const logs: string[] = [];
    const client = new ClientNodeCluster(kubeConfigForServer(quiet.url), { watchTimeoutSeconds: 1 });
    const informer = new Informer(client, KINDS.agentRollout, {
      namespace: "dp",
      logger: pino({ level: "debug" }, { write: (line: string) => logs.push(line) }),
      onEvent: () => {},
    });
    try {
      await call(quiet.url, "POST", ROLLOUTS, rollout("a"));
      await informer.start();
      // Other kinds move the resourceVersion on; only bookmarks tell this watch about it.
      for (let i = 0; i < 8; i++) {
        await call(quiet.url, "POST", "/apis/apps/v1/namespaces/dp/deployments", {
          metadata: { name: `d${i}` },
          spec: { selector: { matchLabels: { a: "b" } } },
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await call(quiet.url, "POST", ROLLOUTS, rollout("late"));
      await until(() => informer.get("dp/late") !== undefined, 4000);
      const lists = requests.filter((query) => query.get("watch") !== "true");
      const watches = requests.filter((query) => query.get("watch") === "true");
      expect(lists).toHaveLength(1);
      expect(watches.length).toBeGreaterThanOrEqual(2);
      // Every re-watch resumed later than the one before it: from a bookmark, not the list.
      const versions = watches.map((query) => Number(query.get("resourceVersion")));
      expect(versions.at(-1)).toBeGreaterThan(versions[0] ?? 0);
      for (const query of watches) {
        expect(query.get("allowWatchBookmarks")).toBe("true");
        expect(Number(query.get("timeoutSeconds"))).toBeGreaterThanOrEqual(1);
      }
      const warnings = logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 40);
      expect(warnings).toEqual([]);
      expect(logs.some((line) => line.includes("watch ended by the server"))).toBe(true);
    } finally {
      informer.stop();
      await quiet.close();
    }
  });
});
