/**
 * Drift as a writer should judge it: only the fields it sets. The API server adds defaults to
 * what it stores (an HTTPRoute backendRef gains `group: ""`, `kind: Service`; a Deployment gains
 * a strategy, probes' thresholds, `imagePullPolicy`…), and other writers may own other fields,
 * so comparing whole objects sees drift on every read and rewrites the object forever.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether `live` holds every field `wanted` sets, with the same value. Objects: each key of
 * `wanted` (extra keys in `live` are someone else's or defaults). Lists: the same length, item
 * by item (an extra or missing item is drift). Scalars: equal. An `undefined` in `wanted` sets
 * nothing.
 */
export function holdsFieldsWeSet(wanted: unknown, live: unknown): boolean {
  if (wanted === undefined) return true;
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(live) &&
      live.length === wanted.length &&
      wanted.every((item, index) => holdsFieldsWeSet(item, live[index]))
    );
  }
  if (isPlainObject(wanted)) {
    if (!isPlainObject(live)) return false;
    return Object.entries(wanted).every(([key, value]) => holdsFieldsWeSet(value, live[key]));
  }
  return wanted === live;
}
