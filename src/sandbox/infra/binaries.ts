/**
 * Which Prometheus and Alertmanager binaries the sandbox runs. By default Debian's packages; an
 * environment variable points it at any other build (Prometheus 3.x, Alertmanager 0.28+, a
 * release tarball, a source build), so users try the sandbox on the versions they run.
 */
import { accessSync, constants } from "node:fs";

export interface SandboxBinary {
  /** What the binary is, for messages. */
  name: string;
  /** The environment variable that overrides the default path. */
  envVar: string;
  /** Where Debian's package puts it. */
  defaultPath: string;
  /** The Debian package that provides `defaultPath`. */
  debianPackage: string;
}

export const SANDBOX_BINARIES = {
  prometheus: {
    name: "Prometheus",
    envVar: "AGENT_FLEET_PROMETHEUS_BINARY",
    defaultPath: "/usr/bin/prometheus",
    debianPackage: "prometheus",
  },
  alertmanager: {
    name: "Alertmanager",
    envVar: "AGENT_FLEET_ALERTMANAGER_BINARY",
    defaultPath: "/usr/bin/prometheus-alertmanager",
    debianPackage: "prometheus-alertmanager",
  },
} as const satisfies Record<string, SandboxBinary>;

export type SandboxBinaryName = keyof typeof SANDBOX_BINARIES;

/** The binary's path: the environment variable when set, else Debian's path. */
export function sandboxBinaryPath(name: SandboxBinaryName, env: NodeJS.ProcessEnv = process.env): string {
  const binary = SANDBOX_BINARIES[name];
  return env[binary.envVar] || binary.defaultPath;
}

/** True when the variable of this binary is set (the user chose a binary; never install over it). */
export function isOverridden(name: SandboxBinaryName, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[SANDBOX_BINARIES[name].envVar]);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The binary's path, checked: a path set through the environment that is not an executable file
 * is an error naming the variable, before any process starts.
 */
export function resolveSandboxBinary(name: SandboxBinaryName, env: NodeJS.ProcessEnv = process.env): string {
  const path = sandboxBinaryPath(name, env);
  if (isExecutable(path)) return path;
  const binary = SANDBOX_BINARIES[name];
  if (isOverridden(name, env)) {
    throw new Error(
      `${binary.envVar}=${path}: no executable ${binary.name} binary there; ` +
        `point ${binary.envVar} at one, or unset it to use Debian's ${binary.defaultPath}`,
    );
  }
  throw new Error(
    `${binary.name} not found at ${path}: install the Debian package ${binary.debianPackage}, ` +
      `or set ${binary.envVar} to the path of a ${binary.name} binary`,
  );
}
