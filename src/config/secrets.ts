/**
 * Secrets never travel through FleetConfig as plaintext. Loaders replace every secret config value
 * with a {@link SecretRef} naming its key; builders write {@link secretPlaceholder} text where the
 * value belongs; the Pulumi components substitute the real value as a secret Output, and the
 * offline render leaves the clearly marked placeholder.
 */

/** The config keys that hold credentials. Each must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = [
  "slackApiUrl",
  "pagerdutyRoutingKey",
  "smtpPassword",
  "webhookBearerToken",
  "grafanaAdminPassword",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** A secret config value, known only by name until the Pulumi engine resolves it. */
export class SecretRef {
  readonly key: SecretKey;
  /** Where the value comes from, for messages and placeholders. */
  readonly source: "stack" | "esc";
  constructor(key: SecretKey, source: "stack" | "esc") {
    this.key = key;
    this.source = source;
  }
}

export function isSecretKey(key: string): key is SecretKey {
  return (SECRET_KEYS as readonly string[]).includes(key);
}

/** Text standing in for a secret in rendered objects; Pulumi replaces it, offline output keeps it. */
export function secretPlaceholder(key: SecretKey): string {
  return `<secret:${key}>`;
}

export const SECRET_PLACEHOLDER_PATTERN = /<secret:([A-Za-z]+)>/g;

/** Every secret key a text references through placeholders. */
export function secretKeysIn(text: string): SecretKey[] {
  const keys = new Set<SecretKey>();
  for (const match of text.matchAll(SECRET_PLACEHOLDER_PATTERN)) {
    const key = match[1] ?? "";
    if (isSecretKey(key)) keys.add(key);
  }
  return [...keys];
}

/** Replaces placeholders with values (used by the Pulumi program inside a secret Output). */
export function fillSecrets(text: string, values: Partial<Record<SecretKey, string>>): string {
  return text.replace(SECRET_PLACEHOLDER_PATTERN, (whole, key: string) =>
    isSecretKey(key) && values[key] !== undefined ? (values[key] as string) : whole,
  );
}
