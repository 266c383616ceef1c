/**
 * The rollout controller on a real apiserver with the program's own RBAC (its ServiceAccount's
 * token; OwnerReferencesPermissionEnforcement on): adoption, the HPA reading the AgentRollout scale,
 * a quiet steady state (no writes, no watch errors), a canary through the HTTPRoute (weights read
 * back from the apiserver), a blue-green Service-selector switch, an analysis abort, leader
 * failover on the Lease, and a controller killed mid-release that resumes.
 *
 * Analysis answers come from the query stand-in (test/controller/support/fakePrometheus.ts):
 * this tier proves the Kubernetes contract; the analysis against a real Prometheus scraping real
 * agents is proven in the sandbox tier (test/e2e), where the traffic is real.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, waitFor } from "../../harness/cluster/controlPlane.ts";
import {
  agentsOf,
  applyStackEdit,
  fastReleases,
  healthyAtGeneration,
  installPrerequisites,
} from "../../harness/cluster/fleet.ts";
import {
  BAD_ERRORS,
  BAD_TRAFFIC,
  FakePrometheus,
  GOOD,
  GOOD_TRAFFIC,
} from "../controller/support/fakePrometheus.ts";
import { type CliRun, runRolloutCli } from "../support/rolloutCliProcess.ts";
import { auditEvents, isWrite } from "./support/audit.ts";
import {
  CONTROLLER_NAMESPACE,
  CONTROLLER_USER,
  type ControllerProcess,
  controllerKubeconfig,
  problems,
  startController,
} from "./support/controllerProcess.ts";

const NAMESPACE = "data-processing";
const scratch = mkdtempSync(join(tmpdir(), "cluster-controller-"));
let plane: ControlPlane;
let kubeconfig: string;
const prometheus = new FakePrometheus({ traffic: GOOD_TRAFFIC });
const controllers: ControllerProcess[] = [];
const versions: Record<string, string> = { ingest: "1.4.2", enrich: "2.0.1", export: "0.9.0" };
let renders = 0;

interface Rollout {
  metadata: { generation: number };
  spec: { replicas?: number; minReplicas: number };
  status?: {
    phase?: string;
    activeTrack?: "blue" | "green";
    stableRevision?: string;
    canaryRevision?: string;
    currentStepIndex?: number;
    weights?: { blue: number; green: number };
    observedGeneration?: number;
  };
}

function get<T>(kind: string, name: string, namespace = NAMESPACE): T {
  return JSON.parse(plane.kubectl(["get", kind, name, "-n", namespace, "-o", "json"])) as T;
}

const rollout = (agent: string) => get<Rollout>("agentrollouts.agentfleet.dev", agent);

type Steps = Array<{ weight: number; pause?: string }>;

/** What `pulumi up` does for a new version, done with the render: change the stack, apply again. */
async function deploy(changes: Record<string, string> = {}, ingestSteps?: Steps): Promise<void> {
  Object.assign(versions, changes);
  await applyStackEdit(plane, scratch, `cluster-${renders++}`, (config) => {
    fastReleases(config);
    for (const agent of agentsOf(config)) {
      agent.version = versions[agent.id] ?? agent.version;
      if (agent.id === "ingest" && ingestSteps) agent.strategy = { type: "canary", steps: ingestSteps };
      // A third released agent: the gRPC one by replica ratio.
      if (agent.id === "export")
        agent.strategy = { type: "canary", steps: [{ weight: 50, pause: "2s" }, { weight: 100 }] };
    }
  });
}

async function settled(agent: string, timeoutMs = 120_000): Promise<Rollout> {
  let last: Rollout | undefined;
  await waitFor(`${agent} Healthy at its latest generation`, timeoutMs, () => {
    last = rollout(agent);
    return healthyAtGeneration(last);
  });
  return last as Rollout;
}

function leaseHolder(): string | undefined {
  const leases = JSON.parse(plane.kubectl(["get", "leases", "-n", CONTROLLER_NAMESPACE, "-o", "json"])) as {
    items: Array<{ metadata: { name: string }; spec: { holderIdentity?: string } }>;
  };
  return leases.items.find((lease) => lease.metadata.name.includes("controller"))?.spec.holderIdentity;
}

async function controller(name: string): Promise<ControllerProcess> {
  const started = await startController(name, {
    kubeconfig,
    prometheusUrl: prometheus.url,
    watchNamespaces: [NAMESPACE],
  });
  controllers.push(started);
  return started;
}

beforeAll(async () => {
  plane = await startControlPlane();
  await installPrerequisites(plane, "dev");
  await deploy();
  kubeconfig = controllerKubeconfig(plane);
  await prometheus.listen();
});

afterAll(async () => {
  await Promise.all(controllers.map((running) => running.kill("SIGKILL")));
  await prometheus.close();
  await plane?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the rollout controller on a real apiserver, with its own RBAC", () => {
  it("adopts all three AgentRollouts without a single forbidden request", async () => {
    await controller("controller-a");
    for (const agent of ["ingest", "enrich", "export"]) {
      const adopted = await settled(agent);
      expect(adopted.status?.stableRevision).toBeTruthy();
      const track = get<{ status: { readyReplicas?: number } }>(
        "deployment",
        `${agent}-${adopted.status?.activeTrack}`,
      );
      expect(track.status.readyReplicas).toBeGreaterThanOrEqual(1);
    }
    const forbidden = auditEvents(plane.auditLog).filter(
      (event) => event.user === CONTROLLER_USER && event.code === 403,
    );
    expect(forbidden.map((event) => `${event.verb} ${event.uri}`)).toEqual([]);
  });

  it("lets the HPA read the AgentRollout scale (AbleToScale, not FailedGetScale)", async () => {
    type Hpa = { status?: { conditions?: Array<{ type: string; status: string; reason: string }> } };
    let conditions: NonNullable<Hpa["status"]>["conditions"] = [];
    await waitFor("HPA ingest AbleToScale=True", 90_000, () => {
      conditions = get<Hpa>("hpa", "ingest").status?.conditions ?? [];
      return conditions.some((condition) => condition.type === "AbleToScale" && condition.status === "True");
    });
    const able = conditions.find((condition) => condition.type === "AbleToScale");
    expect(able?.reason).toBe("SucceededGetScale");
    // No metrics server here: ScalingActive may be False, but never because the scale is unreadable.
    expect(conditions.map((condition) => condition.reason)).not.toContain("FailedGetScale");
    expect(rollout("ingest").spec.replicas).toBeGreaterThanOrEqual(rollout("ingest").spec.minReplicas);
  });

  it("is quiet at steady state: zero writes over 2 and 5 minutes, no watch error in 5", async () => {
    const [leader] = controllers;
    const started = Date.now();
    const writesSince = (from: number, to: number) =>
      auditEvents(plane.auditLog).filter(
        (event) => event.user === CONTROLLER_USER && event.time >= from && event.time < to && isWrite(event),
      );
    await new Promise((resolveWait) => setTimeout(resolveWait, 120_000));
    const twoMinutes = writesSince(started, started + 120_000);
    // Longer than a watch's 30 s idle abort and than the shortest server-side watch timeout (300 s).
    await new Promise((resolveWait) => setTimeout(resolveWait, 180_000));
    const window = auditEvents(plane.auditLog).filter(
      (event) => event.user === CONTROLLER_USER && event.time >= started,
    );
    const writes = window.filter(isWrite);
    const fleetWrites = writes.filter((event) => event.resource !== "leases");
    const watches = window.filter((event) => event.verb === "watch");
    console.log(
      `steady state, 3 AgentRollouts: first 120 s ${twoMinutes.filter((event) => event.resource !== "leases").length} ` +
        `writes to fleet objects; 300 s: ${fleetWrites.length} writes to fleet objects, ` +
        `${writes.length - fleetWrites.length} lease renewals (leader election), ${watches.length} watches ended and reopened, ` +
        `${window.length - writes.length - watches.length} other reads`,
    );
    expect(
      twoMinutes.filter((event) => event.resource !== "leases").map((event) => `${event.verb} ${event.uri}`),
    ).toEqual([]);
    expect(fleetWrites.map((event) => `${event.verb} ${event.uri}`)).toEqual([]);
    expect(problems(leader?.logs ?? [], started)).toEqual([]);
  });

  it("runs a canary through the HTTPRoute, weights read back from the apiserver", async () => {
    const before = rollout("ingest").status?.activeTrack;
    const canaryTrack = before === "blue" ? "green" : "blue";
    await deploy({ ingest: "1.5.0" });
    const seen = new Set<number>();
    type Route = { spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> } };
    await waitFor("ingest promoted", 120_000, () => {
      const route = get<Route>("httproute", "ingest");
      const canary = route.spec.rules[0]?.backendRefs.find((ref) => ref.name === `ingest-${canaryTrack}`);
      seen.add(canary?.weight ?? 0);
      const status = rollout("ingest").status;
      return status?.phase === "Healthy" && status.activeTrack === canaryTrack;
    });
    expect([...seen]).toEqual(expect.arrayContaining([5, 50, 100]));
    const route = get<Route>("httproute", "ingest");
    const weights = Object.fromEntries(
      route.spec.rules[0]?.backendRefs.map((ref) => [ref.name, ref.weight]) ?? [],
    );
    expect(weights).toEqual({ [`ingest-${canaryTrack}`]: 100, [`ingest-${before}`]: 0 });
  });

  it("switches a blue-green agent by the Service selector, read back from the apiserver", async () => {
    const before = rollout("enrich").status?.activeTrack;
    const next = before === "blue" ? "green" : "blue";
    expect(get<{ spec: { selector: Record<string, string> } }>("service", "enrich").spec.selector.track).toBe(
      before,
    );
    await deploy({ enrich: "2.1.0" });
    await waitFor("enrich switched", 120_000, () => rollout("enrich").status?.activeTrack === next);
    await settled("enrich");
    expect(get<{ spec: { selector: Record<string, string> } }>("service", "enrich").spec.selector.track).toBe(
      next,
    );
  });

  it("aborts a failing canary: all traffic back on the stable track", async () => {
    const stable = rollout("ingest").status?.activeTrack as string;
    const canaryTrack = stable === "blue" ? "green" : "blue";
    prometheus.setTrack(canaryTrack, BAD_ERRORS);
    prometheus.setTraffic(canaryTrack, BAD_TRAFFIC);
    await deploy({ ingest: "1.6.0-bad" });
    await waitFor("ingest aborted", 120_000, () =>
      /Degraded|Aborted/.test(rollout("ingest").status?.phase ?? ""),
    );
    const status = rollout("ingest").status;
    expect(status?.activeTrack).toBe(stable);
    expect(status?.weights?.[stable as "blue" | "green"]).toBe(100);
    type Route = { spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> } };
    const refs = get<Route>("httproute", "ingest").spec.rules[0]?.backendRefs ?? [];
    expect(refs.find((ref) => ref.name === `ingest-${stable}`)?.weight).toBe(100);
    expect(refs.find((ref) => ref.name === `ingest-${canaryTrack}`)?.weight ?? 0).toBe(0);
    prometheus.setTrack(canaryTrack, GOOD);
    prometheus.setTraffic(canaryTrack, GOOD_TRAFFIC);
  });

  it("fails over to a standby replica through the Lease", async () => {
    const [leader] = controllers;
    expect(leaseHolder()).toBe("controller-a");
    await controller("controller-b");
    await leader?.kill("SIGKILL");
    await waitFor("controller-b holds the lease", 60_000, () => leaseHolder() === "controller-b");
    await deploy({ export: "0.9.1" });
    const released = await settled("export");
    expect(released.status?.stableRevision).toBeTruthy();
  });

  it("resumes a release after the controller is killed mid-step", async () => {
    const steps: number[] = [];
    const before = rollout("ingest").status?.stableRevision;
    await deploy({ ingest: "1.7.0" });
    await waitFor("ingest canary at its second step", 120_000, () => {
      const step = rollout("ingest").status?.currentStepIndex;
      if (step !== undefined) steps.push(step);
      return (step ?? 0) >= 1;
    });
    const running = controllers.find((candidate) => candidate.name === "controller-b");
    await running?.kill("SIGKILL");
    await controller("controller-c");
    await waitFor("ingest promoted after the restart", 120_000, () => {
      const current = rollout("ingest");
      if (current.status?.currentStepIndex !== undefined) steps.push(current.status.currentStepIndex);
      return healthyAtGeneration(current);
    });
    // Resumed, not restarted: the step index never went back.
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const status = rollout("ingest").status;
    expect(status?.stableRevision).not.toBe(before);
    expect(status?.weights?.[status.activeTrack as "blue" | "green"]).toBe(100);
    expect(leaseHolder()).toBe("controller-c");
  });

  it("manual actions on the real apiserver: a double promote passes one gate, an abort sent while no controller runs is kept and applied", async () => {
    await deploy({ ingest: "1.8.0" }, [
      { weight: 20, pause: "manual" },
      { weight: 50, pause: "manual" },
      { weight: 100 },
    ]);
    const paused = (weight: number) => () => {
      const status = rollout("ingest").status;
      return (
        status?.phase === "Paused" &&
        status.canaryRevision !== undefined &&
        Object.values(status.weights ?? {}).includes(weight) &&
        status.weights?.[status.activeTrack as "blue" | "green"] === 100 - weight
      );
    };
    await waitFor("ingest paused at 20%", 120_000, paused(20));
    const [first, second] = await Promise.all([operator("alice", "promote"), operator("bob", "promote")]);
    expect([first, second].filter((run) => run.out.includes("promote requested for"))).toHaveLength(1);
    expect([first.code, second.code].every((code) => code === 0 || code === 5)).toBe(true);
    await waitFor("ingest paused at 50%", 60_000, paused(50));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(rollout("ingest").status?.currentStepIndex).toBe(1);

    const running = controllers.find((candidate) => candidate.name === "controller-c");
    await running?.kill("SIGKILL");
    const abort = await operator("olga", "abort", "--timeout", "3");
    expect(abort.code).toBe(3);
    const promote = await operator("pat", "promote", "--step", "2", "--timeout", "3");
    expect(promote.code).toBe(5);
    expect(promote.err).toContain("an abort cannot be replaced");

    await controller("controller-d");
    await waitFor("ingest aborted by olga, confirmed by the router", 120_000, () => {
      const status = rollout("ingest").status as {
        phase?: string;
        lastAction?: { by: string; confirmedAt?: string };
      };
      return (
        status.phase === "Aborted" &&
        status.lastAction?.by === "olga" &&
        status.lastAction.confirmedAt !== undefined
      );
    });
    const history = (
      rollout("ingest").status as { actionHistory?: Array<{ action: string; by: string; outcome: string }> }
    ).actionHistory;
    expect(history?.map((entry) => `${entry.action}: ${entry.outcome}`)).toEqual([
      "promote: Applied",
      "abort: Applied",
    ]);
    // Events are recorded after the status patch: wait until both Applied ones are there.
    const manualActionEvents = () =>
      (
        JSON.parse(plane.kubectl(["get", "events", "-n", NAMESPACE, "-o", "json"])) as {
          items: Array<{ reason: string; message: string; reportingComponent?: string }>;
        }
      ).items.filter((event) => event.reason.startsWith("ManualAction"));
    await waitFor(
      "both ManualActionApplied events",
      30_000,
      () => manualActionEvents().filter((event) => event.reason === "ManualActionApplied").length >= 2,
    );
    const reasons = manualActionEvents();
    expect(reasons.filter((event) => event.reason === "ManualActionApplied")).toHaveLength(2);
    expect(
      reasons.filter((event) => event.reason === "ManualActionRefused").map((event) => event.message),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^promote by pat .*an abort cannot be replaced/)]),
    );
  });
});

/** The CLI as an operator runs it: its own process, the admin kubeconfig. */
function operator(by: string, command: string, ...args: string[]): Promise<CliRun> {
  return runRolloutCli([command, "ingest", "-n", NAMESPACE, "--by", by, "--timeout", "30", ...args], {
    ...process.env,
    KUBECONFIG: plane.adminKubeconfig,
  });
}
