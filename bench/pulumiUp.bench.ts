/**
 * Real `pulumi up` (CLI, Node.js host and kubernetes provider from the cached toolchain) against
 * a real apiserver with kwok nodes: dev, prod and a generated 100-agent fleet, each on a fresh
 * control plane with its prerequisites installed. Prints wall time, resources and resources per
 * second, plus the no-change preview and destroy for comparison.
 *   npm run bench:pulumi            (all three)   npm run bench:pulumi -- dev
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { type ControlPlane, startControlPlane } from "../harness/cluster/controlPlane.ts";
import { installPrerequisites, installStorageClasses } from "../harness/cluster/fleet.ts";
import { pulumiProject } from "../harness/cluster/pulumiCli.ts";
import { generateFleetConfig } from "./fleetGenerator.ts";

type Fleet = "dev" | "prod" | "fleet100";

interface Result {
  fleet: Fleet;
  resources: number;
  upSeconds: number;
  previewSeconds: number;
  destroySeconds: number;
}

const SECRETS: Record<Fleet, Record<string, string>> = {
  dev: { webhookBearerToken: "bench" },
  fleet100: { webhookBearerToken: "bench" },
  prod: {
    webhookBearerToken: "bench",
    slackApiUrl: "https://hooks.slack.invalid/services/T/B/X",
    pagerdutyRoutingKey: "0123456789abcdef0123456789abcdef",
    smtpPassword: "bench",
  },
};

async function prepare(plane: ControlPlane, fleet: Fleet): Promise<void> {
  await installPrerequisites(plane, fleet === "prod" ? "prod" : "dev");
}

async function measure(fleet: Fleet): Promise<Result> {
  const plane = await startControlPlane();
  const project = pulumiProject(fleet === "fleet100" ? "dev" : fleet, plane.adminKubeconfig);
  try {
    await prepare(plane, fleet);
    if (fleet === "fleet100") {
      const config = Object.fromEntries(
        Object.entries(generateFleetConfig(100)).map(([key, value]) => [`agent-fleet:${key}`, value]),
      );
      writeFileSync(project.stackFile, stringify({ config }));
      installStorageClasses(plane, ["standard", "encrypted"]);
    }
    const stack = fleet === "fleet100" ? "dev" : fleet;
    await project.run(["stack", "init", stack]);
    for (const [key, value] of Object.entries(SECRETS[fleet])) {
      await project.run(["config", "set", "--secret", key, value]);
    }
    const up = await project.run(["up", "--yes", "--skip-preview"], { timeoutMs: 1_800_000 });
    // The update summary: "Resources:\n    + 70 created".
    const resources = Number(/Resources:\s*\n\s*\+\s*(\d+) created/.exec(up.stdout)?.[1] ?? Number.NaN);
    const preview = await project.run(["preview", "--expect-no-changes"]);
    const destroy = await project.run(["destroy", "--yes", "--skip-preview"], { timeoutMs: 1_800_000 });
    return {
      fleet,
      resources,
      upSeconds: up.seconds,
      previewSeconds: preview.seconds,
      destroySeconds: destroy.seconds,
    };
  } finally {
    await plane.stop();
    project.remove();
  }
}

const requested = process.argv
  .slice(2)
  .filter((arg): arg is Fleet => ["dev", "prod", "fleet100"].includes(arg));
const fleets: Fleet[] = requested.length > 0 ? requested : ["dev", "prod", "fleet100"];
const results: Result[] = [];
for (const fleet of fleets) {
  console.error(`bench: pulumi up ${fleet} …`);
  results.push(await measure(fleet));
}
console.log("fleet     resources   up (s)   resources/s   preview no-change (s)   destroy (s)");
for (const result of results) {
  console.log(
    `${result.fleet.padEnd(9)} ${String(result.resources).padStart(9)}   ${result.upSeconds.toFixed(1).padStart(6)}` +
      `   ${(result.resources / result.upSeconds).toFixed(1).padStart(11)}   ${result.previewSeconds.toFixed(1).padStart(21)}` +
      `   ${result.destroySeconds.toFixed(1).padStart(11)}`,
  );
}
const base = results.find((result) => result.fleet === "dev");
for (const result of results.filter((candidate) => candidate !== base && base)) {
  if (!base) break;
  console.log(
    `${result.fleet} vs dev: ${(result.resources / base.resources).toFixed(1)}× the resources in ` +
      `${(result.upSeconds / base.upSeconds).toFixed(1)}× the time`,
  );
}
