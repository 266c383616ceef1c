/**
 * Import rules (dependency-cruiser): the layer table in architecture/layers.mjs, no cycles, and
 * shipped code (src/) never importing the test tree, the harnesses or the benchmarks.
 */
import { LAYER_OF_FILE, LAYERS } from "./architecture/layers.mjs";

const layerPath = (layer) => {
  const files = Object.entries(LAYER_OF_FILE)
    .filter(([, owner]) => owner === layer)
    .map(([file]) => file.replace(".", "\\."));
  return files.length > 0 ? `^src/(${files.join("|")})$` : `^src/${layer}/`;
};

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only: ${allowed.length > 0 ? allowed.join(", ") : "nothing of ours"} (architecture/layers.mjs)`,
  severity: "error",
  from: { path: layerPath(layer) },
  to: {
    path: "^src/",
    pathNot: [layerPath(layer), ...allowed.map(layerPath)],
  },
}));

export default {
  forbidden: [
    ...layerRules,
    {
      name: "no-circular",
      comment: "a cycle means two modules are one: merge them or move what both need down a layer",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "shipped-code-not-on-tests",
      comment: "src/ never imports the test tree, the harnesses, the benchmarks or scripts",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|harness|bench|scripts)/" },
    },
    {
      name: "benchmarks-not-on-tests",
      comment: "bench/ may use src/ and harness/, never the test tree",
      severity: "error",
      from: { path: "^(bench|harness)/" },
      to: { path: "^test/" },
    },
    {
      name: "unknown-layer",
      comment: "every folder and top-level file of src/ belongs to a layer of architecture/layers.mjs",
      severity: "error",
      from: {
        path: "^src/",
        pathNot: Object.keys(LAYERS).map(layerPath),
      },
      to: {},
    },
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports are imports too: a layer must not even name an upper layer's types.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
  },
};
