// Plain JavaScript any Node runs: the version check of bin/agent-fleet.mjs, apart so it can be tested.
export const MIN_NODE_MAJOR = 22;

/** Why `version` cannot run agent-fleet, or undefined when it can. */
export function nodeTooOld(version, execPath) {
  const major = Number(String(version).split(".")[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return (
    `agent-fleet needs Node.js ${MIN_NODE_MAJOR} or newer; this is Node.js ${version} (${execPath}).\n` +
    "Put a newer node first on PATH, or run bin/agent-fleet.mjs with one: /path/to/node bin/agent-fleet.mjs …"
  );
}
