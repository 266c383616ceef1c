/**
 * Kubernetes resource quantities (`500m`, `2`, `4Gi`, `1.5G`) parsed into plain numbers, and
 * Prometheus-style durations (`30s`, `5m`, `1h30m`). Pure functions: the schema validates with
 * them and the builders compute requests, quotas and capacity with them.
 */

const BINARY_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL_SUFFIX: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const CPU_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/;
const BYTES_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(?:e(\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?)$/;

/** CPU quantity → millicores, or undefined when the text is not a CPU quantity. */
export function parseCpu(text: string | number): number | undefined {
  const match = CPU_PATTERN.exec(String(text).trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const millicores = match[2] === "m" ? value : value * 1000;
  // Kubernetes CPU precision is 1m: fractions of a millicore are not expressible.
  const rounded = Math.round(millicores);
  return Math.abs(rounded - millicores) < 1e-9 ? rounded : undefined;
}

/** Byte quantity (memory, storage) → bytes, or undefined when the text is not a byte quantity. */
export function parseBytes(text: string | number): number | undefined {
  const match = BYTES_PATTERN.exec(String(text).trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[2] !== undefined) return value * 10 ** Number(match[2]);
  const suffix = match[3] ?? "";
  return value * (BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix] ?? 1);
}

/** Millicores → canonical Kubernetes CPU text (`2`, `500m`). */
export function formatCpu(millicores: number): string {
  const whole = Math.floor(millicores);
  return whole % 1000 === 0 ? String(whole / 1000) : `${whole}m`;
}

/**
 * Bytes → canonical Kubernetes text in the largest binary unit that divides it exactly, rounded
 * down to whole MiB first so derived requests never exceed what the limit implies.
 */
export function formatBytes(bytes: number): string {
  const mib = Math.floor(bytes / 2 ** 20);
  if (mib === 0) return String(Math.floor(bytes));
  for (const [suffix, factor] of [
    ["Ti", 2 ** 20],
    ["Gi", 2 ** 10],
  ] as const) {
    if (mib % factor === 0) return `${mib / factor}${suffix}`;
  }
  return `${mib}Mi`;
}

const DURATION_PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Prometheus duration (`90s`, `5m`, `1h30m`) → seconds, or undefined when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match || text === "") return undefined;
  let seconds = 0;
  DURATION_UNITS_SECONDS.forEach((unit, index) => {
    seconds += Number(match[index + 1] ?? 0) * unit;
  });
  return seconds > 0 ? seconds : undefined;
}

/**
 * A duration the schema has validated (`30s`, `5m`, `1h30m`): the config's duration fields have
 * this type, so reading their length cannot fail and needs no fallback.
 */
export type Duration = string & { readonly __duration: unique symbol };

/** The length of a validated duration, in seconds. */
export function seconds(duration: Duration): number {
  const value = parseDuration(duration);
  if (value === undefined) throw new Error(`not a validated duration: ${JSON.stringify(duration)}`);
  return value;
}

/** Whole seconds, for the Kubernetes fields that take them (`periodSeconds`, `durationSeconds`). */
export function wholeSeconds(duration: Duration): number {
  return Math.round(seconds(duration));
}

/** `HH:MM` (00:00 … 24:00) → minutes since midnight, or undefined when malformed. */
export function parseTimeOfDay(text: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 24 * 60 ? minutes : undefined;
}
