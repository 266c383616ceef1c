/**
 * `?watch=true` streams: newline-delimited JSON events. Without a resourceVersion (or "0") the
 * stream starts with a synthetic ADDED per existing object; with one it replays history after it,
 * or answers a 410 `Expired` ERROR event when history no longer reaches back (the client relists).
 * Like kube-apiserver, the server ends every stream after `timeoutSeconds` (or a random 30–60 min)
 * and, when asked with `allowWatchBookmarks`, sends BOOKMARKs periodically (about once a minute
 * by default, as the watch cache does). No bookmark before the end: kube-apiserver v1.37 sent
 * none on quiet 5 s and 20 s watches from a resourceVersion (test/cluster/api-agreement.test.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultInjector } from "./faults.ts";
import type { StoredObject } from "./objects.ts";
import { groupVersion, type ResourceType, typeKey } from "./resources.ts";
import type { ObjectStore, StoreEvent } from "./store.ts";

export interface WatchRequest {
  request: IncomingMessage;
  response: ServerResponse;
  store: ObjectStore;
  faults: FaultInjector;
  type: ResourceType;
  namespace: string | undefined;
  matches: (object: StoredObject) => boolean;
  params: URLSearchParams;
  bookmarkIntervalMs: number;
}

export function serveWatch(watch: WatchRequest): void {
  const { request, response, store, type, namespace, matches, params } = watch;
  response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache" });
  response.flushHeaders();
  const send = (payload: unknown) => response.write(`${JSON.stringify(payload)}\n`);
  const relevant = (object: StoredObject) =>
    (!type.namespaced || namespace === undefined || object.metadata.namespace === namespace) &&
    matches(object);

  const requested = params.get("resourceVersion");
  if (!requested || requested === "0") {
    for (const object of store.list(type, relevant)) send({ type: "ADDED", object });
  } else {
    const backlog = store.eventsSince(type, Number(requested));
    if (backlog === "expired") {
      send({
        type: "ERROR",
        object: {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "Expired",
          code: 410,
          message: `too old resource version: ${requested} (${store.resourceVersion()})`,
        },
      });
      response.end();
      return;
    }
    for (const event of backlog) if (relevant(event.object)) send({ type: event.type, object: event.object });
  }

  const key = typeKey(type);
  const unsubscribe = store.subscribe((event: StoreEvent) => {
    if (event.typeKey === key && relevant(event.object)) send({ type: event.type, object: event.object });
  });
  const timers: NodeJS.Timeout[] = [];
  // Without timeoutSeconds kube-apiserver picks one in [min-request-timeout, 2×) (1800 s default).
  const asked = Number(params.get("timeoutSeconds") ?? 0);
  const timeoutMs = (asked > 0 ? asked : 1800 * (1 + Math.random())) * 1000;
  timers.push(setTimeout(() => response.end(), timeoutMs));
  if (params.get("allowWatchBookmarks") === "true") {
    const bookmark = () =>
      send({
        type: "BOOKMARK",
        object: {
          kind: type.kind,
          apiVersion: groupVersion(type),
          metadata: { resourceVersion: store.resourceVersion() },
        },
      });
    timers.push(setInterval(bookmark, watch.bookmarkIntervalMs));
  }

  let untrack = () => {};
  const cleanup = () => {
    unsubscribe();
    untrack();
    for (const timer of timers) clearTimeout(timer);
  };
  untrack = watch.faults.trackWatch(() => {
    cleanup();
    response.destroy();
  });
  request.on("close", cleanup);
  response.on("close", cleanup);
}
