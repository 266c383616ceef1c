/**
 * The real Pulumi engine against the real apiserver, for dev and prod, the way the README tells a
 * user to run it: `stack init`, `config set --secret`, `preview`, `up`, `preview
 * --expect-no-changes` (right after `up`, and again after the controller ran a canary release),
 * `destroy`. Before the prerequisites exist, `preview` stops at the preflight's one message and
 * nothing is created. The time of each command is printed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, waitFor } from "../../harness/cluster/controlPlane.ts";
import {
  agentsOf,
  editStackText,
  fastReleases,
  healthyAtGeneration,
  installPrerequisites,
  type StackEdit,
} from "../../harness/cluster/fleet.ts";
import { type PulumiProject, pulumiProject } from "../../harness/cluster/pulumiCli.ts";
import { FakePrometheus, GOOD_TRAFFIC } from "../controller/support/fakePrometheus.ts";
import {
  type ControllerProcess,
  controllerKubeconfig,
  startController,
} from "./support/controllerProcess.ts";

/** Secrets each stack's receivers need, set the README's way. */
const SECRETS: Record<"dev" | "prod", Record<string, string>> = {
  dev: { webhookBearerToken: "dev-webhook-token" },
  prod: {
    webhookBearerToken: "prod-webhook-token",
    slackApiUrl: "https://hooks.slack.invalid/services/T000/B000/XXXX",
    pagerdutyRoutingKey: "0123456789abcdef0123456789abcdef",
    smtpPassword: "smtp-password",
  },
};

const timings: string[] = [];
function timed(stack: string, what: string, seconds: number): void {
  timings.push(`${stack.padEnd(4)} ${what.padEnd(44)} ${seconds.toFixed(1).padStart(6)} s`);
}

afterAll(() => {
  console.log(`real Pulumi engine on a real apiserver:\n${timings.join("\n")}`);
});

/** Edits the project copy's stack file (as a user edits Pulumi.<stack>.yaml). */
function editStack(project: PulumiProject, edit: StackEdit): void {
  writeFileSync(project.stackFile, editStackText(readFileSync(project.stackFile, "utf8"), edit));
}

/** Kinds the program creates; those the cluster does not know (yet) are skipped. */
const OUR_KINDS = [
  "namespaces",
  "services",
  "configmaps",
  "secrets",
  "serviceaccounts",
  "resourcequotas",
  "limitranges",
  "customresourcedefinitions.apiextensions.k8s.io",
  "clusterroles.rbac.authorization.k8s.io",
  "clusterrolebindings.rbac.authorization.k8s.io",
  "roles.rbac.authorization.k8s.io",
  "rolebindings.rbac.authorization.k8s.io",
  "deployments.apps",
  "networkpolicies.networking.k8s.io",
  "poddisruptionbudgets.policy",
  "horizontalpodautoscalers.autoscaling",
  "agentrollouts.agentfleet.dev",
  "httproutes.gateway.networking.k8s.io",
  "podmonitors.monitoring.coreos.com",
  "prometheusrules.monitoring.coreos.com",
];

/** Every object labelled as ours, in every namespace. */
function ourObjects(plane: ControlPlane): string[] {
  const known = new Set(
    plane
      .kubectl(["api-resources", "-o", "name"])
      .split("\n")
      .map((name) => name.trim()),
  );
  const kinds = OUR_KINDS.filter((kind) => known.has(kind));
  return plane
    .kubectl(["get", kinds.join(","), "-A", "-l", "app.kubernetes.io/part-of=agent-fleet", "-o", "name"])
    .split("\n")
    .filter(Boolean);
}

describe.each(["dev", "prod"] as const)("pulumi on the %s stack", (stack) => {
  let plane: ControlPlane;
  let project: PulumiProject;
  const controllers: ControllerProcess[] = [];
  const prometheus = new FakePrometheus({ traffic: GOOD_TRAFFIC });

  beforeAll(async () => {
    plane = await startControlPlane();
    project = pulumiProject(stack, plane.adminKubeconfig);
    await prometheus.listen();
    await project.run(["stack", "init", stack]);
    for (const [key, value] of Object.entries(SECRETS[stack])) {
      await project.run(["config", "set", "--secret", key, value]);
    }
  });

  afterAll(async () => {
    await Promise.all(controllers.map((controller) => controller.kill("SIGKILL")));
    await prometheus.close();
    await plane?.stop();
    project?.remove();
  });

  it("preview without the prerequisites stops at the preflight's one message, creating nothing", async () => {
    const run = await project.run(["preview"], { allowFailure: true });
    timed(stack, "preview (prerequisites missing)", run.seconds);
    expect(run.status).not.toBe(0);
    const output = run.stdout + run.stderr;
    expect(output).toMatch(/prerequisite/i);
    expect(output).toMatch(/PodMonitor|monitoring\.coreos\.com/);
    expect(ourObjects(plane)).toEqual([]);
  });

  it("up succeeds once the prerequisites are installed", async () => {
    await installPrerequisites(plane, stack);
    const preview = await project.run(["preview"]);
    timed(stack, "preview", preview.seconds);
    const up = await project.run(["up", "--yes", "--skip-preview"]);
    timed(stack, "up", up.seconds);
    expect(up.stdout).toMatch(/Resources:[\s\S]*created/);
    expect(ourObjects(plane).length).toBeGreaterThan(0);
  });

  it("previews no changes right after up", async () => {
    const run = await project.run(["preview", "--expect-no-changes"]);
    timed(stack, "preview --expect-no-changes (after up)", run.seconds);
    expect(run.status).toBe(0);
  });

  it("previews no changes after the controller ran a canary release", async () => {
    const kubeconfig = controllerKubeconfig(plane);
    const namespaces = [
      ...new Set(
        ourObjects(plane)
          .filter((name) => name.startsWith("agentrollout"))
          .map(() => ""),
      ),
    ];
    expect(namespaces).toBeDefined();
    const watchNamespaces = stack === "dev" ? ["data-processing"] : ["data-processing", "ml-inference"];
    controllers.push(
      await startController(`${stack}-controller`, {
        kubeconfig,
        prometheusUrl: prometheus.url,
        watchNamespaces,
      }),
    );
    const rollout = () =>
      JSON.parse(
        plane.kubectl([
          "get",
          "agentrollouts.agentfleet.dev",
          "ingest",
          "-n",
          "data-processing",
          "-o",
          "json",
        ]),
      ) as {
        metadata: { generation: number };
        status?: { phase?: string; observedGeneration?: number; stableRevision?: string };
      };
    await waitFor("ingest adopted", 120_000, () => rollout().status?.phase === "Healthy");
    const adopted = rollout().status?.stableRevision;
    editStack(project, (config) => {
      fastReleases(config);
      const ingest = agentsOf(config).find((agent) => agent.id === "ingest");
      if (ingest) ingest.version = stack === "dev" ? "1.5.0" : `sha256:${"e".repeat(64)}`;
    });
    const up = await project.run(["up", "--yes", "--skip-preview"]);
    timed(stack, "up (new ingest version)", up.seconds);
    await waitFor("ingest canary promoted", 180_000, () => {
      const current = rollout();
      return healthyAtGeneration(current) && current.status?.stableRevision !== adopted;
    });
    const run = await project.run(["preview", "--expect-no-changes"]);
    timed(stack, "preview --expect-no-changes (after release)", run.seconds);
    expect(run.status).toBe(0);
  });

  it("destroy leaves no object of ours", async () => {
    await Promise.all(controllers.map((controller) => controller.kill()));
    const run = await project.run(["destroy", "--yes", "--skip-preview"]);
    timed(stack, "destroy", run.seconds);
    await waitFor("every object of ours gone", 120_000, () => ourObjects(plane).length === 0);
    expect(ourObjects(plane)).toEqual([]);
  });
});
