/**
 * Secrets never reach a PR comment: Secret data and fields whose names mark credentials are shown
 * as changed, never with their values (offline renders hold placeholders, but a diff must not rely
 * on that).
 */
import type { FieldChange } from "./fields.ts";

export const MASK = "••••••";

const SECRET_FIELD =
  /(password|passwd|secret|token|api_?key|apikey|routing_key|service_key|credentials|api_url|webhook_url|auth)$/i;

export function isSecretField(kind: string, path: string): boolean {
  if (kind === "Secret" && /^(data|stringData)\b/.test(path)) return true;
  const last =
    path
      .split(/[.[\]"]+/)
      .filter(Boolean)
      .at(-1) ?? "";
  return SECRET_FIELD.test(last);
}

export function maskChange(kind: string, change: FieldChange): FieldChange & { masked: boolean } {
  if (!isSecretField(kind, change.path)) return { ...change, masked: false };
  return {
    path: change.path,
    ...("before" in change ? { before: MASK } : {}),
    ...("after" in change ? { after: MASK } : {}),
    masked: true,
  };
}
