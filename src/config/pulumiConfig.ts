/**
 * Loader for the Pulumi program: reads the stack's structured config from the engine (the same
 * values `pulumi config` shows) and hands them to the shared parser. Unlike the offline loader it
 * knows which secrets the stack holds, so it applies the missing-credential rule
 * (receiverSecrets.ts): an error in prod, a receiver turned off with one warning elsewhere.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, type ForeignKeyProblem, ownerOf } from "./namespaces.ts";
import { parseFleetConfig } from "./parse.ts";
import { applyReceiverSecrets } from "./receiverSecrets.ts";
import type { FleetConfig } from "./resolve.ts";
import type { FleetConfigInput } from "./schema.ts";
import { isSecretKey, SECRET_KEYS, SecretRef } from "./secrets.ts";

export interface PulumiLoadOptions {
  /** Where the turned-off-receivers warning goes. @default pulumi.log.warn */
  warn?: (message: string) => void;
  /**
   * `enforce` (the program): a credential must be an engine secret, and a receiver whose secret
   * is missing is turned off (an error in prod). `lenient` (the policy pack, which needs no
   * credentials and is not told which keys are secret): any credential value counts as a
   * secret and every declared receiver is kept. @default "enforce"
   */
  secrets?: "enforce" | "lenient";
}

export function loadFleetFromPulumi(options: PulumiLoadOptions = {}): FleetConfig {
  const enforce = (options.secrets ?? "enforce") === "enforce";
  const raw: Record<string, unknown> = {};
  const keyProblems: ForeignKeyProblem[] = [];
  // The whole map, every namespace: a key nobody reads is an error here as in the offline tools.
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    const owner = ownerOf(fullKey);
    if (owner.owner === "nobody") keyProblems.push(owner.problem);
    if (owner.owner !== "fleet") continue;
    const { key } = owner;
    // Validation only needs to know a credential exists; components read it as a secret Output.
    // A credential set without --secret stays plain, so the schema rejects it with the fix.
    raw[key] =
      isSecretKey(key) && (!enforce || isConfigSecret(fullKey))
        ? new SecretRef(key, "stack")
        : parseConfigValue(value);
  }
  const stack = pulumi.getStack();
  const source = `stack ${stack}`;
  const fleet = parseFleetConfig(raw, { source, keyProblems });
  if (!enforce) return fleet;
  return applyReceiverSecrets(fleet, {
    source,
    stack,
    warn: options.warn ?? ((message) => pulumi.log.warn(message)),
  });
}

export interface FleetInputOptions extends Pick<PulumiLoadOptions, "warn"> {
  /** Named in validation errors. @default "fleet config of stack <stack>" */
  source?: string;
}

/**
 * A fleet declared in code, for a Pulumi program of one's own (which has config keys of its own,
 * so {@link loadFleetFromPulumi}'s "every key must be ours" rule does not fit). Validated and
 * defaulted exactly like a stack file. Credentials stay out of the code: those the stack holds as
 * `agent-fleet:<key>` secrets are added as {@link SecretRef}s, and a receiver whose secret the
 * stack lacks is turned off with a warning (an error in prod), as in the stack-file program.
 * @throws FleetConfigError listing every problem with its path
 */
export function fleetFromInput(input: FleetConfigInput, options: FleetInputOptions = {}): FleetConfig {
  const stack = pulumi.getStack();
  const source = options.source ?? `fleet config of stack ${stack}`;
  const raw: Record<string, unknown> = { ...input };
  const config = pulumi.runtime.allConfig();
  for (const key of SECRET_KEYS) {
    const fullKey = `${CONFIG_NAMESPACE}:${key}`;
    const value = config[fullKey];
    if (raw[key] !== undefined || value === undefined) continue;
    // Set without --secret: the plain value reaches the schema, which rejects it with the fix.
    raw[key] = isConfigSecret(fullKey) ? new SecretRef(key, "stack") : value;
  }
  const fleet = parseFleetConfig(raw, { source });
  return applyReceiverSecrets(fleet, {
    source,
    stack,
    warn: options.warn ?? ((message) => pulumi.log.warn(message)),
  });
}

/**
 * Whether the engine marked a key secret (it lists them in PULUMI_CONFIG_SECRET_KEYS, as does
 * `setAllConfig` under mocks). The SDK exports this but keeps it out of its typings.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  return runtime.isConfigSecret?.(fullKey) ?? true;
}

/** Pulumi hands structured values as JSON text and plain values as bare strings. */
function parseConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The secret value behind a key, as a secret Output (undefined when the stack does not set it). */
export function secretConfig(key: string): pulumi.Output<string> | undefined {
  return new pulumi.Config(CONFIG_NAMESPACE).getSecret(key);
}
