/** The HAProxy router against a real HAProxy (Debian package `haproxy`), over its runtime API. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haproxyBackendName } from "../../src/controller/traffic/haproxy/layout.ts";
import {
  HaproxyRouter,
  inRotation,
  serverWeights,
  weightChangesInOrder,
} from "../../src/controller/traffic/haproxy/router.ts";
import { HaproxyRuntime, type HaproxyServerState } from "../../src/controller/traffic/haproxy/runtime.ts";
import type { RouteTarget } from "../../src/controller/traffic/router.ts";
import type { AgentRolloutSpec } from "../../src/crd/agentRollout.ts";
import { agentRollout, NAMESPACE } from "./support/fixtures.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const backend = haproxyBackendName(NAMESPACE, "ingest");
let haproxy: ChildProcess;
let address: string;
let dir: string;

beforeAll(async () => {
  const [admin, frontend] = [await freePort(), await freePort()];
  address = `127.0.0.1:${admin}`;
  dir = mkdtempSync(join(tmpdir(), "agent-fleet-haproxy-"));
  const config = [
    "global",
    `  stats socket ipv4@${address} level admin`,
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 5s",
    "  timeout server 5s",
    `frontend ${backend}`,
    `  bind 127.0.0.1:${frontend}`,
    `  default_backend ${backend}`,
    `backend ${backend}`,
    "  balance roundrobin",
    "  server-template blue 1-4 127.0.0.1:9 disabled",
    "  server-template green 1-4 127.0.0.1:9 disabled",
    "",
  ].join("\n");
  writeFileSync(join(dir, "haproxy.cfg"), config);
  haproxy = spawn("haproxy", ["-db", "-f", join(dir, "haproxy.cfg")], { stdio: "ignore" });
  const runtime = HaproxyRuntime.fromAddress(address);
  // HAProxy's start takes milliseconds idle and seconds on a loaded machine: wait up to 30 s.
  for (const deadline = Date.now() + 30_000; ; ) {
    try {
      await runtime.showServers(backend);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  // Three stable pods and one canary pod occupy slots, as the sandbox kubelet does.
  const slots = ["blue1", "blue2", "blue3", "green1"];
  await runtime.command(
    slots
      .flatMap((slot) => [
        `set server ${backend}/${slot} addr 127.0.0.1 port 9`,
        `set server ${backend}/${slot} state ready`,
      ])
      .join("; "),
  );
});

afterAll(() => {
  haproxy?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function target(): RouteTarget {
  const spec = agentRollout().spec as AgentRolloutSpec;
  return {
    namespace: NAMESPACE,
    agent: "ingest",
    traffic: spec.traffic,
    owner: { apiVersion: "agentfleet.dev/v1alpha1", kind: "AgentRollout", name: "ingest", uid: "u" },
    podSelector: { agent: "ingest" },
    stableTrack: "blue",
    readyReplicas: { blue: 3, green: 1 },
  };
}

describe("HAProxy runtime API router", () => {
  it("spreads each track's share over its live slots and reads the weights back from HAProxy", async () => {
    const router = new HaproxyRouter(address);
    expect(await router.reconcile(target())).toEqual({ blue: 75, green: 25 });
    await router.setWeights(target(), { blue: 95, green: 5 });
    expect(await router.getWeights(target())).toEqual({ blue: 95, green: 5 });
    const runtime = HaproxyRuntime.fromAddress(address);
    const weights = Object.fromEntries((await runtime.showServers(backend)).map((s) => [s.server, s.weight]));
    expect(weights).toMatchObject({ blue1: 256, blue2: 256, blue3: 256, green1: 40 });
    await router.setWeights(target(), { blue: 0, green: 100 });
    expect(await router.getWeights(target())).toEqual({ blue: 0, green: 100 });
    expect((await runtime.command(`get weight ${backend}/blue2`)).trim()).toMatch(/^0 \(initial 1\)/);
  });

  it("fails loudly for a backend HAProxy does not have", async () => {
    const router = new HaproxyRouter(address);
    await expect(router.getWeights({ ...target(), agent: "unknown" })).rejects.toThrow(/HAProxy/);
  });
});

describe("weight changes in order (make before break)", () => {
  function slot(server: string, weight: number): HaproxyServerState {
    return { backend, server, address: "127.0.0.1", port: 9, operational: "running", admin: "ready", weight };
  }

  /** Applies the changes one by one and returns the total live weight after each. */
  function totalsWhileApplying(servers: HaproxyServerState[], changes: Array<[string, number]>): number[] {
    const weights = new Map(servers.map((server) => [server.server, server.weight]));
    return changes.map(([server, weight]) => {
      weights.set(server, weight);
      return servers.filter(inRotation).reduce((sum, s) => sum + (weights.get(s.server) ?? 0), 0);
    });
  }

  it.each([
    ["blue → green", { blue: 100, green: 0 }, { blue: 0, green: 100 }],
    ["green → blue", { blue: 0, green: 100 }, { blue: 100, green: 0 }],
    ["canary step", { blue: 95, green: 5 }, { blue: 75, green: 25 }],
    ["abort", { blue: 50, green: 50 }, { blue: 100, green: 0 }],
  ])("%s never passes through a moment with no weighted server", (_name, from, to) => {
    const layout = ["blue1", "blue2", "blue3", "green1", "green2", "green3"].map((name) => slot(name, 0));
    const servers = [...serverWeights(layout, from)].map(([name, weight]) => slot(name, weight));
    const changes = weightChangesInOrder(servers, serverWeights(servers, to));
    expect(changes.length).toBeGreaterThan(0);
    for (const total of totalsWhileApplying(servers, changes)) expect(total).toBeGreaterThan(0);
    const applied = new Map([...servers.map((s): [string, number] => [s.server, s.weight]), ...changes]);
    expect(applied).toEqual(new Map(serverWeights(servers, to)));
  });

  it("raises come first and unchanged servers are left out", () => {
    const servers = [slot("blue1", 256), slot("blue2", 256), slot("green1", 0), slot("green2", 0)];
    const changes = weightChangesInOrder(
      servers,
      new Map([
        ["blue1", 0],
        ["blue2", 256],
        ["green1", 256],
      ]),
    );
    expect(changes).toEqual([
      ["green1", 256],
      ["blue1", 0],
    ]);
  });
});
