/**
 * Stack files are UTF-8, and Pulumi's YAML reader rejects any other byte sequence. Decoding with
 * replacement characters instead would turn a Latin-1 `é` into `�` and validate (or deploy) a
 * value nobody wrote, so the first bad byte is reported with where it is.
 */

export interface InvalidUtf8 {
  /** Byte offset of the first byte that is not part of a valid UTF-8 sequence. */
  byteOffset: number;
  /** The text before that byte (valid UTF-8), to turn the offset into line and column. */
  textBefore: string;
  /** The same file decoded with U+FFFD in place of the bad bytes, to find the value they are in. */
  lossyText: string;
  /** e.g. `byte 0xe9 begins a character that the next byte does not continue`. */
  reason: string;
}

export type Decoded = { text: string; invalid?: undefined } | { text?: undefined; invalid: InvalidUtf8 };

const strict = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const { offset, reason } = firstInvalidSequence(bytes);
    const textBefore = lossy.decode(bytes.subarray(0, offset));
    return { invalid: { byteOffset: offset, textBefore, lossyText: lossy.decode(bytes), reason } };
  }
}

/** RFC 3629 well-formed sequences: the allowed range of the second byte depends on the first. */
function firstInvalidSequence(bytes: Uint8Array): { offset: number; reason: string } {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    const length = sequenceLength(lead);
    const hex = `0x${lead.toString(16).padStart(2, "0")}`;
    if (length === 0) return { offset: index, reason: `byte ${hex} cannot begin a character` };
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      const [low, high] = next === 1 ? secondByteRange(lead) : [0x80, 0xbf];
      if (byte === undefined || byte < low || byte > high) {
        return {
          offset: index,
          reason: `byte ${hex} begins a character that the bytes after it do not complete`,
        };
      }
    }
    index += length;
  }
  return { offset: bytes.length, reason: "the file ends inside a character" };
}

function sequenceLength(lead: number): number {
  if (lead <= 0x7f) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Excludes overlong forms (E0, F0), UTF-16 surrogates (ED) and code points above U+10FFFF (F4). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}
