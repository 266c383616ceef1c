/**
 * Loader for the Pulumi program: reads the stack's structured config from the engine (the same
 * values `pulumi config` shows) and hands them to the shared parser.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, parseFleetConfig } from "./parse.ts";
import type { FleetConfig } from "./resolve.ts";
import { isSecretKey, SecretRef } from "./secrets.ts";

export function loadFleetFromPulumi(): FleetConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    // Credentials are declared `secret: true` in Pulumi.yaml, so the CLI refuses plaintext for them;
    // validation only needs to know they exist, and components read them as secret Outputs.
    raw[key] = isSecretKey(key) ? new SecretRef(key, "stack") : parseConfigValue(value);
  }
  return parseFleetConfig(raw, { source: `stack ${pulumi.getStack()}` });
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
