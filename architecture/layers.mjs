/**
 * The layers of src/ and what each may import: every import points down this table, never up or
 * sideways into a layer not listed. Read by the dependency-cruiser config (.dependency-cruiser.mjs),
 * which `npm run lint:imports` and test/architecture/imports.test.ts run; the README's design
 * section shows the same table.
 */
export const LAYERS = {
  // What several parts must agree on: names, ports, metric names, label keys, the AgentRollout
  // identity, the default analysis queries. Imports nothing of ours.
  contract: [],
  text: [],
  config: ["contract"],
  crd: ["contract"],
  capacity: ["config", "contract"],
  manifests: ["config", "contract", "crd", "capacity", "text"],
  // The shipped controller: never the renderer, the Pulumi side, or the sandbox.
  controller: ["contract", "crd", "text"],
  policy: ["config", "contract", "crd", "capacity", "manifests", "text"],
  render: ["config", "contract", "manifests"],
  diff: ["manifests", "render", "text"],
  preflight: ["config", "contract", "manifests"],
  components: ["config", "contract", "crd", "manifests"],
  program: ["capacity", "components", "config", "contract", "crd", "manifests", "preflight"],
  cli: ["config", "contract", "diff", "manifests", "policy", "render", "text"],
  // The local sandbox runs the real controller and renderer; nothing ships with it.
  sandbox: ["cli", "config", "contract", "controller", "crd", "manifests", "render", "text"],
};

/**
 * src/program.ts and src/index.ts are the Pulumi program's layer; src/library.ts, the package's
 * public API (what `import "agent-fleet"` sees), belongs to it too.
 */
export const LAYER_OF_FILE = { "program.ts": "program", "index.ts": "program", "library.ts": "program" };
