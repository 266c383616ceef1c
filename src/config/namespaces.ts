/**
 * Which stack-config keys this program reads. Pulumi hands a program every key of its stack, in
 * any namespace, and nothing complains about a key nobody reads: `agent_fleet:autoscaling` or a
 * block pasted from another project (`myproj:agents`) would silently do nothing. So every key is
 * either ours (`agent-fleet:*`), left to the provider or the engine, or a problem.
 */
import type { ConfigProblem } from "./problems.ts";
import { fleetConfigSchema } from "./schema.ts";
import { closest } from "./suggest.ts";

/** The stack-config namespace the program reads (`agent-fleet:<key>`). */
export const CONFIG_NAMESPACE = "agent-fleet";

/**
 * Namespaces with an owner other than this program: the Kubernetes provider (`kubernetes:context`,
 * read by the preflight too) and the engine itself (`pulumi:disable-default-providers`, …).
 */
export const OTHER_OWNERS = ["kubernetes", "pulumi"] as const;

/** A key in a namespace nobody reads, and the `agent-fleet:` key it most likely meant. */
export interface ForeignKeyProblem extends ConfigProblem {
  /** The top-level setting the key was meant to be, when one is close (`agents`). */
  meantKey?: string;
}

export type KeyOwner =
  | { owner: "fleet"; key: string }
  | { owner: "other" }
  | { owner: "nobody"; problem: ForeignKeyProblem };

const KNOWN_KEYS = Object.keys(fleetConfigSchema.shape);
const READ_NAMESPACES = `\`${CONFIG_NAMESPACE}:*\` (and ${OTHER_OWNERS.map((ns) => `\`${ns}:*\``).join(", ")} for the provider and the engine)`;

/** Who reads a full config key. A key without a namespace is the project's, as Pulumi reads it. */
export function ownerOf(fullKey: string): KeyOwner {
  const separator = fullKey.indexOf(":");
  if (separator === -1) return { owner: "fleet", key: fullKey };
  const namespace = fullKey.slice(0, separator);
  const key = fullKey.slice(separator + 1);
  if (namespace === CONFIG_NAMESPACE) return { owner: "fleet", key };
  if ((OTHER_OWNERS as readonly string[]).includes(namespace)) return { owner: "other" };
  return { owner: "nobody", problem: foreignKeyProblem(fullKey, namespace, key) };
}

function foreignKeyProblem(fullKey: string, namespace: string, key: string): ForeignKeyProblem {
  const nearNamespace = closest(namespace, [CONFIG_NAMESPACE, ...OTHER_OWNERS]);
  if (nearNamespace !== undefined && nearNamespace !== CONFIG_NAMESPACE) {
    const message = `is never read: the namespace \`${namespace}\` is not \`${nearNamespace}\`; did you mean \`${nearNamespace}:${key}\`?`;
    return { path: [fullKey], message };
  }
  const meantKey = closest(key, KNOWN_KEYS);
  const why =
    nearNamespace === CONFIG_NAMESPACE
      ? `the namespace \`${namespace}\` is not \`${CONFIG_NAMESPACE}\``
      : `this project reads ${READ_NAMESPACES}, not \`${namespace}:*\``;
  if (meantKey !== undefined) {
    return {
      path: [fullKey],
      message: `is never read: ${why}; did you mean \`${CONFIG_NAMESPACE}:${meantKey}\`?`,
      meantKey,
    };
  }
  if (nearNamespace === CONFIG_NAMESPACE) {
    const message = `is never read: ${why}, and \`${key}\` is not a known setting either (allowed: ${KNOWN_KEYS.join(", ")})`;
    return { path: [fullKey], message };
  }
  return { path: [fullKey], message: `is never read: ${why}; remove it` };
}
