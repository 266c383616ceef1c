/** The Gateway API route of an HTTP agent: hostnames as the Gateway API accepts them, and a path prefix. */
import { z } from "zod";

const HOSTNAME_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME_MESSAGE =
  'is not a hostname: lower-case DNS labels of 1-63 letters, digits and "-" separated by dots, ' +
  'at most 253 characters, optionally starting with "*." (example: ingest.example.com)';

/** The HTTPRoute `hostnames` rule (RFC 1123 labels ≤ 63, ≤ 253 in all), checked here rather than by the API server. */
function isHostname(text: string): boolean {
  const labels = (text.startsWith("*.") ? text.slice(2) : text).split(".");
  return text.length <= 253 && labels.every((label) => label.length <= 63 && HOSTNAME_LABEL.test(label));
}

export const routeSchema = z.strictObject({
  hostnames: z.array(z.string().refine(isHostname, { error: HOSTNAME_MESSAGE })).min(1),
  /** @default "/" */
  pathPrefix: z.string().startsWith("/").default("/"),
});

export type Route = z.output<typeof routeSchema>;
