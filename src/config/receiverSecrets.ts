/**
 * Which alert receiver needs which secret, and what happens when a stack does not set it.
 *
 * Only the Pulumi program knows what the stack's backend holds. There, a missing credential is an
 * error in prod (every missing key listed, before anything is registered) and, elsewhere, turns
 * its receiver off with one warning: routing then falls back as for a receiver never declared.
 * The offline tools (render, diff, policy, sandbox) cannot know, so they keep every declared
 * receiver with placeholders and print the secrets the stack must hold as a note.
 */
import type { ConfigPath, ConfigProblem } from "./problems.ts";
import { FleetConfigError } from "./problems.ts";
import type { FleetConfig } from "./resolve.ts";
import type { Receivers } from "./schema.ts";
import type { SecretKey } from "./secrets.ts";

export type ReceiverName = keyof Receivers;

export interface ReceiverSecret {
  receiver: ReceiverName;
  key: SecretKey;
  /** The receiver's config path, named in messages. */
  path: ConfigPath;
}

/** What each secret is for, in the config reference and notes. */
export const SECRET_PURPOSE: Record<SecretKey, string> = {
  slackApiUrl: "`alerting.receivers.slack`",
  pagerdutyRoutingKey: "`alerting.receivers.pagerduty`",
  smtpPassword: "`alerting.receivers.email` with `authUsername`",
  webhookBearerToken: "`alerting.receivers.webhook` with `bearerToken: secret` (the default)",
  grafanaAdminPassword: "nothing yet (reserved)",
};

export function setSecretCommand(key: SecretKey, stack?: string): string {
  return `pulumi config set${stack ? ` --stack ${stack}` : ""} --secret ${key} <value>`;
}

/** Every secret the declared receivers need, in the order of SECRET_KEYS. */
export function receiverSecrets(fleet: FleetConfig): ReceiverSecret[] {
  const { receivers } = fleet.alerting;
  const needed: ReceiverSecret[] = [];
  const at = (receiver: ReceiverName): ConfigPath => ["alerting", "receivers", receiver];
  if (receivers.slack) needed.push({ receiver: "slack", key: "slackApiUrl", path: at("slack") });
  if (receivers.pagerduty)
    needed.push({ receiver: "pagerduty", key: "pagerdutyRoutingKey", path: at("pagerduty") });
  if (receivers.email?.authUsername)
    needed.push({ receiver: "email", key: "smtpPassword", path: at("email") });
  if (receivers.webhook?.bearerToken === "secret")
    needed.push({ receiver: "webhook", key: "webhookBearerToken", path: at("webhook") });
  return needed;
}

/** The needed secrets the stack does not set (as far as the loader can see). */
export function missingReceiverSecrets(fleet: FleetConfig): ReceiverSecret[] {
  return receiverSecrets(fleet).filter(({ key }) => fleet[key] === undefined);
}

function alternatives(secret: ReceiverSecret): string {
  return secret.receiver === "webhook"
    ? ', or set alerting.receivers.webhook.bearerToken to "generate" or "none"'
    : " (or import it from a Pulumi ESC environment)";
}

/** One config problem per missing secret, in the style of every other config error. */
export function missingSecretProblems(missing: readonly ReceiverSecret[]): ConfigProblem[] {
  return missing.map((secret) => ({
    path: secret.path,
    message: `needs the secret \`${secret.key}\`, which this stack does not set: run \`${setSecretCommand(secret.key)}\`${alternatives(secret)}`,
  }));
}

/** The fleet with these receivers removed; routing falls back as for receivers never declared. */
export function withoutReceivers(fleet: FleetConfig, receivers: readonly ReceiverName[]): FleetConfig {
  const kept = Object.fromEntries(
    Object.entries(fleet.alerting.receivers).filter(([name]) => !receivers.includes(name as ReceiverName)),
  ) as Receivers;
  return { ...fleet, alerting: { ...fleet.alerting, receivers: kept } };
}

/** The one warning of a non-prod stack whose receivers lack their secrets. */
export function receiversOffWarning(stack: string, missing: readonly ReceiverSecret[]): string {
  const lines = missing.map(
    (secret) =>
      `  - alerting.receivers.${secret.receiver} is off: it needs the secret \`${secret.key}\`; run \`${setSecretCommand(secret.key)}\``,
  );
  const count = missing.length === 1 ? "1 alert receiver" : `${missing.length} alert receivers`;
  return [
    `stack ${stack} lacks the secrets of ${count}, so alerts go only to the receivers left (or nowhere):`,
    ...lines,
    'In a prod stack this is an error. (Webhook without a secret: set alerting.receivers.webhook.bearerToken to "generate" or "none".)',
  ].join("\n");
}

export interface ReceiverSecretsOptions {
  /** Named in messages, e.g. `stack prod`. */
  source: string;
  stack: string;
  /** Called once with the whole warning when receivers are turned off. */
  warn: (message: string) => void;
}

/**
 * The Pulumi program's rule: prod stops with every missing key; other environments turn those
 * receivers off with one warning.
 */
export function applyReceiverSecrets(fleet: FleetConfig, options: ReceiverSecretsOptions): FleetConfig {
  const missing = missingReceiverSecrets(fleet);
  if (missing.length === 0) return fleet;
  if (fleet.environment === "prod")
    throw new FleetConfigError(options.source, missingSecretProblems(missing));
  options.warn(receiversOffWarning(options.stack, missing));
  return withoutReceivers(
    fleet,
    missing.map((secret) => secret.receiver),
  );
}

/**
 * The offline tools' note: the secrets the stack must hold in its Pulumi config that the stack
 * file does not show (undefined when there are none).
 */
export function backendSecretsNote(
  fleet: FleetConfig,
  stack: string,
  escImports: readonly string[] = [],
): string | undefined {
  const missing = missingReceiverSecrets(fleet);
  if (missing.length === 0) return undefined;
  const keyWidth = Math.max(...missing.map((secret) => secret.key.length));
  const receiverWidth = Math.max(...missing.map((secret) => secret.receiver.length));
  const esc =
    escImports.length > 0 ? ` unless the ESC environment(s) ${escImports.join(", ")} provide them` : "";
  return [
    `note: stack ${stack} must hold ${missing.length === 1 ? "this secret" : "these secrets"} in its Pulumi config${esc} (offline output has placeholders):`,
    ...missing.map(
      (secret) =>
        `  - ${secret.key.padEnd(keyWidth)}  for alerting.receivers.${secret.receiver.padEnd(receiverWidth)}  ${setSecretCommand(secret.key, stack)}`,
    ),
    fleet.environment === "prod"
      ? "  without them, `pulumi preview`/`up` of this prod stack stops before creating anything."
      : "  without them, `pulumi preview`/`up` turns those receivers off with a warning.",
  ].join("\n");
}
