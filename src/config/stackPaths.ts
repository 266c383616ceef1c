/**
 * Config paths (`agents[0].image`, as problems name them) and where they live in a stack file
 * (`config:` → `agent-fleet:agents` → 0 → `image`). A key Pulumi would give the project without
 * a namespace (`agents:`) is the same setting; a key in a foreign namespace keeps its full name.
 */
import { CONFIG_NAMESPACE, ownerOf } from "./namespaces.ts";
import type { ConfigPath } from "./problems.ts";
import type { YamlPath } from "./yamlAliases.ts";

/** The config path of a place in the file; [] outside `config:` (or at `config:` itself). */
export function configPathOf(path: YamlPath): ConfigPath {
  const [root, fullKey, ...rest] = path;
  if (root !== "config" || fullKey === undefined) return [];
  const owner = ownerOf(String(fullKey));
  return owner.owner === "fleet" ? [owner.key, ...rest] : [String(fullKey), ...rest];
}

/** Where a config path can be written, namespaced form first. */
export function yamlPathsOf(path: ConfigPath): YamlPath[] {
  const [key, ...rest] = path;
  if (key === undefined) return [];
  const name = String(key);
  if (name.includes(":")) return [["config", name, ...rest]];
  return [
    ["config", `${CONFIG_NAMESPACE}:${name}`, ...rest],
    ["config", name, ...rest],
  ];
}
