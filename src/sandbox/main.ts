/**
 * `npm start [-- --scenario demo|bad-canary|blue-green|alert|controller-crash]`: runs a real
 * release of the dev stack on this machine and writes a release report.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseCliArgs } from "../cli/args.ts";
import {
  isOverridden,
  resolveSandboxBinary,
  SANDBOX_BINARIES,
  type SandboxBinaryName,
  sandboxBinaryPath,
} from "./infra/binaries.ts";
import { HAPROXY_BINARY } from "./infra/haproxy.ts";
import { writeReleaseReport } from "./report/index.ts";
import { type Sandbox, startSandbox } from "./sandbox.ts";
import { scenarioCatalog } from "./scenarios/catalog.ts";
import { runScenario } from "./scenarios/run.ts";
import { liveView, scenarioPassed, summaryTable } from "./scenarios/view.ts";

const args = parseCliArgs(
  "npm start -- [--scenario <name>] [--reports <dir>] [--time-scale <n>] [--verbose]",
  {
    scenario: { type: "string", default: "demo" },
    reports: { type: "string", default: "reports" },
    "time-scale": { type: "string", default: "10" },
    verbose: { type: "boolean", default: false },
  },
);

/**
 * Every binary the sandbox runs is there before anything starts. One a user chose through its
 * environment variable must exist as given (never installed over); Debian's defaults are
 * installed when missing and this runs as root, otherwise the one command is printed.
 */
function ensureSystemPackages(): void {
  const missingPackages: string[] = [];
  for (const name of Object.keys(SANDBOX_BINARIES) as SandboxBinaryName[]) {
    if (isOverridden(name)) {
      try {
        resolveSandboxBinary(name);
      } catch (error) {
        console.error((error as Error).message);
        process.exit(2);
      }
    } else if (!existsSync(sandboxBinaryPath(name))) {
      missingPackages.push(SANDBOX_BINARIES[name].debianPackage);
    }
  }
  if (!existsSync(HAPROXY_BINARY)) missingPackages.push("haproxy");
  if (missingPackages.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      "The sandbox runs real Prometheus, Alertmanager and HAProxy. Install them once with:\n" +
        `  sudo apt-get install -y ${missingPackages.join(" ")}\n` +
        `(or point ${SANDBOX_BINARIES.prometheus.envVar} / ${SANDBOX_BINARIES.alertmanager.envVar} at your own builds)`,
    );
    process.exit(1);
  }
  console.error(`installing ${missingPackages.join(", ")} (Debian packages) …`);
  const result = spawnSync("bash", ["scripts/install-system-deps.sh"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
}

async function main(): Promise<number> {
  const log = (line: string) => (args.verbose ? console.error(line) : undefined);
  const catalog = scenarioCatalog((line) => console.log(line));
  const scenario = catalog[args.scenario as string];
  if (!scenario) {
    console.error(`unknown scenario "${args.scenario}": use one of ${Object.keys(catalog).join(", ")}`);
    return 2;
  }
  ensureSystemPackages();
  console.log(`agent-fleet sandbox · scenario ${scenario.name}: ${scenario.description}`);
  console.log(
    "starting: sandbox Kubernetes API, Prometheus, Alertmanager, HAProxy, agents, rollout controller …",
  );
  let sandbox: Sandbox | undefined;
  const stop = async (code: number) => {
    await sandbox?.stop();
    process.exit(code);
  };
  process.once("SIGINT", () => void stop(130));
  process.once("SIGTERM", () => void stop(143));
  const started = Date.now();
  sandbox = await startSandbox({ timeScale: Number(args["time-scale"]), log });
  console.log(
    `ready in ${((Date.now() - started) / 1000).toFixed(1)} s; timings run ${args["time-scale"]}× faster than the dev stack\n`,
  );
  const view = liveView(process.stdout);
  let current = "";
  const result = await runScenario(sandbox, scenario, {
    onTick: (tick) => {
      const key = `${tick.step.agent}@${tick.step.version}`;
      if (key !== current) {
        if (current) console.log("");
        view.release();
        current = key;
      }
      view.tick(tick);
    },
    onAlertStarted: ({ agent, version, alertname }) =>
      console.log(`alert    ${agent} → ${version}; waiting for ${alertname} at the webhook sink …`),
  });
  const folder = join(args.reports as string, `${scenario.name}-${stamp()}`);
  const reportDirs: string[] = [];
  for (const [index, record] of result.releases.entries()) {
    const dir = join(folder, `${index + 1}-${record.step.agent}-${record.step.version}`);
    await writeReleaseReport(record.report, dir);
    reportDirs.push(join(dir, "report.html"));
  }
  console.log(`\n${summaryTable(result, reportDirs)}\n`);
  if (reportDirs.length > 0) console.log(`reports (JSON, CSV, HTML): ${folder}`);
  await sandbox.stop();
  sandbox = undefined;
  return scenarioPassed(result) ? 0 : 1;
}

process.exitCode = await main();
