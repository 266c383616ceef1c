/**
 * The one place that says which Prometheus / promtool / Alertmanager / amtool binaries a test run
 * uses. Two generations are tested with the same test files:
 *
 * - `debian` (default): Debian's packages, Prometheus 2.42 and Alertmanager 0.25, in /usr/bin;
 * - `current`: Prometheus 3.x and Alertmanager 0.28+ as built by scripts/toolchain/build.sh
 *   (`npm run toolchain -- prometheus alertmanager`), versions pinned in versions.sh.
 *
 * Chosen with `AGENT_FLEET_MONITORING_GENERATION=debian|current`. The sandbox itself knows only
 * its own variables (`AGENT_FLEET_PROMETHEUS_BINARY`, …); `sandboxEnvironment` maps a generation
 * onto them.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join, resolve } from "node:path";
import { SANDBOX_BINARIES } from "../src/sandbox/infra/binaries.ts";

export const GENERATION_ENV = "AGENT_FLEET_MONITORING_GENERATION";

export const MONITORING_GENERATIONS = ["debian", "current"] as const;
export type MonitoringGeneration = (typeof MONITORING_GENERATIONS)[number];

export interface MonitoringBinaries {
  generation: MonitoringGeneration;
  prometheus: string;
  promtool: string;
  alertmanager: string;
  amtool: string;
  /** What `--version` of each must report: the generation's line, or the pinned version. */
  expectedVersions: { prometheus: RegExp; alertmanager: RegExp };
}

const VERSIONS_SCRIPT = resolve(import.meta.dirname, "../scripts/toolchain/versions.sh");

export function selectedGeneration(env: NodeJS.ProcessEnv = process.env): MonitoringGeneration {
  const value = env[GENERATION_ENV] || "debian";
  if ((MONITORING_GENERATIONS as readonly string[]).includes(value)) return value as MonitoringGeneration;
  throw new Error(`${GENERATION_ENV}=${value}: use one of ${MONITORING_GENERATIONS.join(", ")}`);
}

/**
 * versions.sh read by bash itself, so the toolchain directory (AGENT_FLEET_TOOLCHAIN_DIR,
 * XDG_CACHE_HOME, HOME) and the pinned versions resolve exactly as for the build.
 */
function toolchainVersions(): { dir: string; prometheus: string; alertmanager: string } {
  const output = execFileSync(
    "bash",
    [
      "-c",
      'source "$1" && printf "%s\\n" "$TOOLCHAIN_DIR" "$PROMETHEUS_VERSION" "$ALERTMANAGER_VERSION"',
      "versions",
      VERSIONS_SCRIPT,
    ],
    { encoding: "utf8" },
  );
  const [dir, prometheus, alertmanager] = output.trimEnd().split("\n");
  if (!dir || !prometheus || !alertmanager) throw new Error(`${VERSIONS_SCRIPT} printed: ${output}`);
  return { dir, prometheus, alertmanager };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function currentBinaries(): MonitoringBinaries {
  const versions = toolchainVersions();
  const prometheusBin = join(versions.dir, `prometheus-${versions.prometheus}`, "bin");
  const alertmanagerBin = join(versions.dir, `alertmanager-${versions.alertmanager}`, "bin");
  return {
    generation: "current",
    prometheus: join(prometheusBin, "prometheus"),
    promtool: join(prometheusBin, "promtool"),
    alertmanager: join(alertmanagerBin, "alertmanager"),
    amtool: join(alertmanagerBin, "amtool"),
    expectedVersions: {
      prometheus: new RegExp(`^${escapeRegExp(versions.prometheus.replace(/^v/, ""))}\\b`),
      alertmanager: new RegExp(`^${escapeRegExp(versions.alertmanager.replace(/^v/, ""))}\\b`),
    },
  };
}

function debianBinaries(): MonitoringBinaries {
  return {
    generation: "debian",
    prometheus: SANDBOX_BINARIES.prometheus.defaultPath,
    promtool: "/usr/bin/promtool",
    alertmanager: SANDBOX_BINARIES.alertmanager.defaultPath,
    amtool: "/usr/bin/amtool",
    // The generation before Prometheus 3.0 and Alertmanager 0.28 (Debian 12 ships 2.42 / 0.25).
    expectedVersions: { prometheus: /^2\.\d+\.\d+/, alertmanager: /^0\.(1\d|2[0-7])\.\d+/ },
  };
}

function fix(generation: MonitoringGeneration): string {
  return generation === "current"
    ? "run `npm run toolchain -- prometheus alertmanager`"
    : "run scripts/install-system-deps.sh";
}

const resolved = new Map<MonitoringGeneration, MonitoringBinaries>();

/** Where the generation's binaries are, unchecked (built or installed or not). */
export function generationBinaries(
  generation: MonitoringGeneration = selectedGeneration(),
): MonitoringBinaries {
  return generation === "current" ? currentBinaries() : debianBinaries();
}

/** The generation's binaries, each checked to be there (tests never skip for a missing tool). */
export function monitoringBinaries(
  generation: MonitoringGeneration = selectedGeneration(),
): MonitoringBinaries {
  const known = resolved.get(generation);
  if (known) return known;
  const binaries = generationBinaries(generation);
  for (const tool of ["prometheus", "promtool", "alertmanager", "amtool"] as const) {
    try {
      accessSync(binaries[tool], constants.X_OK);
    } catch {
      throw new Error(
        `${tool} of the ${generation} generation missing at ${binaries[tool]}: ${fix(generation)}`,
      );
    }
  }
  resolved.set(generation, binaries);
  return binaries;
}

/** The sandbox's own variables, pointing it at the generation's Prometheus and Alertmanager. */
export function sandboxEnvironment(binaries: MonitoringBinaries): Record<string, string> {
  return {
    [SANDBOX_BINARIES.prometheus.envVar]: binaries.prometheus,
    [SANDBOX_BINARIES.alertmanager.envVar]: binaries.alertmanager,
  };
}
