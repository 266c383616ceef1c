/**
 * Pins the rollout controller image of a stack file by digest (pure text in, text out): sets
 * `agent-fleet:release.controllerVersion` (and, when given, `controllerImage`). The text is
 * edited in place at the parsed nodes' offsets, so only the pinned lines change: comments, flow
 * styles and spacing stay as people wrote them. The release workflow runs it with the digest it
 * pushed.
 */
import { isMap, isScalar, type Node, parseDocument, type YAMLMap } from "yaml";

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const RELEASE_KEY = "agent-fleet:release";

export class PinError extends Error {
  override name = "PinError";
}

export interface ControllerPin {
  /** `sha256:<64 hex>`, as the registry reports the pushed manifest list. */
  digest: string;
  /** The repository, when it differs from the stack's (a fork's registry). */
  image?: string;
}

export function pinControllerImage(stackText: string, pin: ControllerPin, file = "the stack file"): string {
  if (!DIGEST.test(pin.digest)) {
    throw new PinError(
      `--digest ${JSON.stringify(pin.digest)} is not an image digest: expected sha256:<64 hex>`,
    );
  }
  if (pin.image !== undefined && !REPOSITORY.test(pin.image)) {
    throw new PinError(
      `--image ${JSON.stringify(pin.image)} is not an image repository (example: ghcr.io/org/rollout-controller)`,
    );
  }
  let text = setReleaseKey(stackText, "controllerVersion", pin.digest, file);
  if (pin.image !== undefined) text = setReleaseKey(text, "controllerImage", pin.image, file);
  return text;
}

/** Sets one scalar of the release map, adding the key (and the map) when the file has none. */
function setReleaseKey(text: string, key: string, value: string, file: string): string {
  const document = parseDocument(text);
  if (document.errors.length > 0)
    throw new PinError(`${file}: not valid YAML: ${document.errors[0]?.message}`);
  const config = document.get("config", true);
  if (!isMap(config) || config.flow)
    throw new PinError(`${file}: has no \`config:\` block map to pin the controller in`);
  const release = config.get(RELEASE_KEY, true);
  let edited: string;
  if (release === undefined || release === null) {
    const indent = keyIndent(text, config);
    edited = insertAt(text, endOf(config), `${indent}${RELEASE_KEY}:\n${indent}  ${key}: ${value}\n`);
  } else if (!isMap(release) || release.flow) {
    throw new PinError(`${file}: \`${RELEASE_KEY}\` must be a block map to pin the controller in`);
  } else {
    const current = release.get(key, true);
    if (isScalar(current) && current.range) {
      edited = `${text.slice(0, current.range[0])}${value}${text.slice(current.range[1])}`;
    } else if (current === undefined) {
      edited = insertAt(text, endOf(release), `${keyIndent(text, release)}${key}: ${value}\n`);
    } else {
      throw new PinError(`${file}: \`${RELEASE_KEY}.${key}\` must be a plain value`);
    }
  }
  if (parseDocument(edited).getIn(["config", RELEASE_KEY, key]) !== value) {
    throw new PinError(`${file}: could not set ${RELEASE_KEY}.${key} in place; set it by hand`);
  }
  return edited;
}

/** The indentation of a block map's keys. */
function keyIndent(text: string, map: YAMLMap): string {
  const first = map.items[0]?.key as Node | undefined;
  const start = first?.range?.[0] ?? 0;
  return " ".repeat(start - (text.lastIndexOf("\n", start - 1) + 1));
}

/** Where a block map's last entry ends: the start of the line after it. */
function endOf(map: YAMLMap): number {
  return map.range?.[1] ?? 0;
}

function insertAt(text: string, offset: number, lines: string): string {
  const atLineStart = offset === 0 || text[offset - 1] === "\n";
  return `${text.slice(0, offset)}${atLineStart ? "" : "\n"}${lines}${text.slice(offset)}`;
}
