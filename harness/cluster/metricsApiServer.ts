/**
 * A stand-in for prometheus-adapter as the cluster's custom and external metrics API: an
 * aggregated API server (its own process, so a test blocked in a synchronous kubectl call never
 * stalls discovery) that serves the two groups' discovery with no metrics in them. The HPA can
 * then read its metrics API, finds no series, and says so, as with an adapter whose rules match
 * nothing yet.
 *   tsx metricsApiServer.ts <host> <port> <cert> <key>
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

export const METRICS_API_GROUPS = ["custom.metrics.k8s.io", "external.metrics.k8s.io"];

const [host = "127.0.0.1", port = "0", cert = "", key = ""] = process.argv.slice(2);

const send = (response: import("node:http").ServerResponse, code: number, body: unknown) => {
  response.writeHead(code, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
};

createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (request, response) => {
  const path = new URL(request.url ?? "/", "https://metrics").pathname;
  const discovery = /^\/apis\/([^/]+)\/(v1beta[12])\/?$/.exec(path);
  if (path === "/healthz" || path === "/readyz") return send(response, 200, "ok");
  if (discovery && METRICS_API_GROUPS.includes(discovery[1] ?? "")) {
    return send(response, 200, {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: `${discovery[1]}/${discovery[2]}`,
      resources: [],
    });
  }
  send(response, 404, {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    reason: "NotFound",
    code: 404,
    message: `no metric served at ${path}`,
  });
}).listen(Number(port), host, () => console.log(`metrics API listening on ${host}:${port}`));
