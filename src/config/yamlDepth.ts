/**
 * Nesting limit for stack files. No setting nests more than about ten levels, so anything past
 * {@link MAX_NESTING} is a mistake (or a hostile file); past a few hundred levels the YAML
 * composer runs out of stack. The check walks the parser's token tree with its own stack, before
 * any document is built, so it holds at any depth.
 */
import { CST, Parser } from "yaml";

/** Maps and lists inside each other; the file's top-level map (holding `config:`) is level 1. */
export const MAX_NESTING = 64;

export interface TooDeep {
  /** Where the first map or list past the limit starts. */
  offset: number;
  /** The `config:` key it sits under (`agent-fleet:agents`), if it is under one. */
  configKey?: string;
}

interface Pending {
  token: CST.Token;
  /** Nesting of the collection that holds this token. */
  depth: number;
  inConfig: boolean;
  configKey?: string;
}

export function findTooDeep(text: string, limit = MAX_NESTING): TooDeep | undefined {
  const pending: Pending[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type === "document" && token.value)
      pending.push({ token: token.value, depth: 0, inConfig: false });
  }
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { token } = next;
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection")
      continue;
    const depth = next.depth + 1;
    if (depth > limit) return { offset: token.offset, configKey: next.configKey };
    const children: Pending[] = [];
    for (const item of token.items) {
      const key = "key" in item ? item.key : undefined;
      const keyText = key ? CST.resolveAsScalar(key)?.value : undefined;
      // Only the first two levels name anything: `config:`, then the setting under it.
      const inConfig = depth === 1 ? keyText === "config" : next.inConfig;
      const configKey = depth === 2 && next.inConfig ? keyText : next.configKey;
      if (key) children.push({ token: key, depth, inConfig, configKey });
      if (item.value) children.push({ token: item.value, depth, inConfig, configKey });
    }
    // Reversed onto the stack, so the first offender in the file is the one found.
    pending.push(...children.reverse());
  }
  return undefined;
}
