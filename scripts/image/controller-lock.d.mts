/** Types of controller-lock.mjs (plain JS: it runs before anything is installed). */
export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}
export interface PackageLock {
  name?: string;
  version?: string;
  lockfileVersion?: number;
  packages: Record<string, LockEntry>;
}
export const CONTROLLER_RUNTIME_PACKAGES: string[];
export function resolveInstalled(
  packages: Record<string, LockEntry>,
  from: string,
  name: string,
): string | undefined;
export function closure(lock: PackageLock, roots: readonly string[]): Map<string, LockEntry>;
export function controllerLock(
  lock: PackageLock,
  roots?: readonly string[],
): {
  manifest: {
    name: string;
    version: string;
    private: true;
    type: "module";
    dependencies: Record<string, string>;
  };
  packageLock: PackageLock;
};
