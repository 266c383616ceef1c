/**
 * The GitHub Actions workflows: valid by actionlint (schema, expressions, action inputs), and shaped
 * as promised — PR previews per stack with the policy pack and an offline comment, deploys of main
 * with prod behind a protected environment, least-privilege permissions everywhere.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../harness/renderCli.ts";

const WORKFLOWS = join(PROJECT_DIR, ".github", "workflows");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  environment?: string | { name: string };
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: { stack?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS, file), "utf8")) as Workflow;
}

/** actionlint from ACTIONLINT, `$(go env GOPATH)/bin` (scripts/install-actionlint.sh) or PATH. */
function actionlint(): string {
  const gopath = spawnSync("go", ["env", "GOPATH"], { encoding: "utf8" }).stdout?.trim();
  const candidates = [process.env.ACTIONLINT, gopath && join(gopath, "bin", "actionlint")].filter(
    Boolean,
  ) as string[];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  const onPath = spawnSync("actionlint", ["-version"]);
  if (onPath.status === 0) return "actionlint";
  throw new Error("actionlint is not installed: run `bash scripts/install-actionlint.sh` (needs Go)");
}

function lint(dir: string, files: string[]) {
  return spawnSync(actionlint(), ["-format", "{{json .}}", ...files], { cwd: dir, encoding: "utf8" });
}

const scratch = mkdtempSync(join(tmpdir(), "workflows-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const stacks = readdirSync(PROJECT_DIR)
  .map((file) => /^Pulumi\.(\w+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();
const steps = (job: Job | undefined) => job?.steps ?? [];
const pulumiStep = (job: Job | undefined) =>
  steps(job).find((step) => step.uses?.startsWith("pulumi/actions@"));

describe("actionlint", () => {
  it("finds no problem in any workflow", () => {
    const files = readdirSync(WORKFLOWS).map((file) => join(".github", "workflows", file));
    expect(files.sort()).toEqual([
      ".github/workflows/deploy.yml",
      ".github/workflows/preview.yml",
      ".github/workflows/release.yml",
    ]);
    const result = lint(PROJECT_DIR, files);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout || "[]")).toEqual([]);
    expect(result.status).toBe(0);
  });

  it("does catch a broken workflow (a misspelt pulumi/actions input)", () => {
    const broken = readFileSync(join(WORKFLOWS, "preview.yml"), "utf8").replace(
      "policyPacks:",
      "policyPack:",
    );
    mkdirSync(join(scratch, ".github", "workflows"), { recursive: true });
    writeFileSync(join(scratch, ".github", "workflows", "preview.yml"), broken);
    const result = lint(scratch, [".github/workflows/preview.yml"]);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('input "policyPack" is not defined') }),
    );
  });
});

describe("preview.yml", () => {
  const preview = workflow("preview.yml");

  it("runs on pull requests with read-only defaults; only commenting jobs may write to pull requests", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(preview.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(preview.jobs)) {
      expect(job.permissions).toBeDefined();
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect(level === "read" || (scope === "pull-requests" && level === "write")).toBe(true);
      }
    }
  });

  it("previews every stack with pulumi/actions, commenting on the PR and running the policy pack", () => {
    const job = preview.jobs.pulumi;
    expect(job?.strategy?.matrix?.stack).toEqual(stacks);
    expect(pulumiStep(job)?.with?.["stack-name"]).toMatch(/^\$\{\{ matrix\.stack \}\}$/);
    expect(pulumiStep(job)?.with).toMatchObject({
      command: "preview",
      "comment-on-pr": true,
      policyPacks: "policies",
    });
    expect(job?.needs).toBe("credentials");
    expect(job?.if).toBe("needs.credentials.outputs.pulumi == 'true'");
  });

  it("posts the offline diff and policy run for every stack without Pulumi credentials", () => {
    const job = preview.jobs.offline;
    expect(job?.strategy?.matrix?.stack).toEqual(stacks);
    const text = JSON.stringify(job);
    expect(text).not.toContain("secrets.");
    const runs = steps(job).map((step) => step.run ?? "");
    expect(runs).toContainEqual(
      expect.stringContaining('npm run --silent diff -- --stack "$STACK" --base "origin/$BASE_REF"'),
    );
    expect(runs).toContainEqual(
      expect.stringContaining('npm run --silent policy -- --stack "$STACK" --format markdown'),
    );
    expect(steps(job).some((step) => step.uses?.startsWith("actions/github-script@"))).toBe(true);
    expect(steps(job).at(-1)?.run).toContain("exit 1");
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml");

  it("deploys pushes to main, one run at a time, read-only", () => {
    expect(deploy.on).toMatchObject({ push: { branches: ["main"] } });
    expect(deploy.concurrency).toMatchObject({ "cancel-in-progress": false });
    expect(deploy.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(deploy.jobs)) expect(job.permissions).toEqual({ contents: "read" });
  });

  it("brings up dev automatically, then prod after dev behind the protected prod environment", () => {
    const { dev, prod } = deploy.jobs;
    expect(dev?.environment).toBe("dev");
    expect(pulumiStep(dev)?.with).toMatchObject({
      command: "up",
      "stack-name": "dev",
      policyPacks: "policies",
    });
    expect(prod?.needs).toBe("dev");
    expect(prod?.environment).toEqual({ name: "prod" });
    expect(pulumiStep(prod)?.with).toMatchObject({
      command: "up",
      "stack-name": "prod",
      policyPacks: "policies",
    });
    const gate = steps(prod).findIndex((step) =>
      step.run?.includes("npm run --silent policy -- --stack prod"),
    );
    expect(gate).toBeGreaterThan(-1);
    expect(gate).toBeLessThan(steps(prod).indexOf(pulumiStep(prod) as Step));
  });
});

/** A GitHub Actions expression as written in a workflow: `${{ <body> }}`. */
const expression = (body: string) => `$\{{ ${body} }}`;

describe("release.yml", () => {
  const release = workflow("release.yml");
  const build = steps(release.jobs.image).find((step) => step.uses?.startsWith("docker/build-push-action@"));

  it("releases version tags only, read-only by default; only the image job may push, only pin may write", () => {
    expect(release.on).toEqual({ push: { tags: ["v*.*.*"] } });
    expect(release.permissions).toEqual({ contents: "read" });
    expect(release.jobs.test?.permissions).toEqual({ contents: "read" });
    expect(release.jobs.image?.permissions).toEqual({
      contents: "read",
      packages: "write",
      "id-token": "write",
      attestations: "write",
    });
    expect(release.jobs.pin?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(release.jobs.image?.needs).toBe("test");
    expect(release.jobs.pin?.needs).toBe("image");
  });

  it("publishes the npm package after the tests, with provenance and no write access to the repository", () => {
    expect(release.jobs.package?.needs).toBe("test");
    expect(release.jobs.package?.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(steps(release.jobs.package).map((step) => step.run)).toContain("npm publish");
    const manifest = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as {
      private?: boolean;
      publishConfig?: Record<string, unknown>;
      scripts: Record<string, string>;
    };
    expect(manifest.private).toBeUndefined();
    expect(manifest.publishConfig).toEqual({ access: "public", provenance: true });
    expect(manifest.scripts.prepack).toBe("npm run build");
  });

  it("builds the controller's Dockerfile for amd64 and arm64 from a pinned base, with provenance and an SBOM", () => {
    expect(build?.with).toMatchObject({
      file: "src/controller/Dockerfile",
      platforms: "linux/amd64,linux/arm64",
      provenance: "mode=max",
      sbom: true,
      outputs: expect.stringMatching(/push=true.*rewrite-timestamp=true/),
    });
    // The Dockerfile's NODE_IMAGE, set to the base image by digest; timestamps from the commit.
    expect(String(build?.with?.["build-args"])).toMatch(
      /^NODE_IMAGE=\$\{\{ steps\.inputs\.outputs\.node-image \}\}/,
    );
    expect(readFileSync(join(PROJECT_DIR, "src/controller/Dockerfile"), "utf8")).toMatch(
      /^FROM \$\{NODE_IMAGE\}/m,
    );
    const inputs = steps(release.jobs.image).find((step) => step.run?.includes("node-image="));
    expect(inputs?.run).toMatch(/imagetools inspect/);
    expect(inputs?.run).toMatch(/node-image=\$base@\$digest/);
    expect(build?.env?.SOURCE_DATE_EPOCH).toBe(expression("steps.inputs.outputs.source-date-epoch"));
    const attest = steps(release.jobs.image).find((step) =>
      step.uses?.startsWith("actions/attest-build-provenance@"),
    );
    expect(attest?.with?.["subject-digest"]).toBe(expression("steps.build.outputs.digest"));
  });

  it("pins prod to the pushed digest in a pull request, after the policy run accepts it", () => {
    const pin = steps(release.jobs.pin);
    const edit = pin.find((step) => step.run?.includes("npm run --silent pin:controller"));
    expect(edit?.run).toContain("--stack prod");
    expect(edit?.env?.DIGEST).toBe(expression("needs.image.outputs.digest"));
    const policy = pin.findIndex((step) => step.run?.includes("npm run --silent policy -- --stack prod"));
    const pr = pin.findIndex((step) => step.run?.includes("gh pr create"));
    expect(pin.indexOf(edit as Step)).toBeLessThan(policy);
    expect(policy).toBeLessThan(pr);
  });
});

describe("all workflows", () => {
  it("pin every action to a major version and use only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")).scripts);
    for (const file of readdirSync(WORKFLOWS)) {
      for (const job of Object.values(workflow(file).jobs)) {
        for (const step of job.steps) {
          if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@(v\d+|[0-9a-f]{40})$/);
          for (const [, script] of (step.run ?? "").matchAll(/npm run (?:--silent )?([\w:-]+)/g)) {
            expect(scripts).toContain(script);
          }
        }
      }
    }
  });
});
