/**
 * Runs the real Pulumi program under `pulumi.runtime.setMocks` with the config of a real
 * `Pulumi.<stack>.yaml`. `secure:` values become mock secrets (marked secret, as the engine would).
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { stackFilePath } from "../../src/config/index.ts";

export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  parent?: string;
  urn: string;
}

export interface MockedStack {
  resources: RegisteredResource[];
  outputs: import("../../src/program.ts").FleetOutputs;
  secretKeys: string[];
}

/** Flattens a stack file's `config:` into the string map the engine passes to programs. */
export function engineConfigOf(file: string): { config: Record<string, string>; secretKeys: string[] } {
  const document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = `mock-secret-value-for-${key}`;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}

async function settled(count: () => number): Promise<void> {
  let stableRounds = 0;
  let last = -1;
  while (stableRounds < 5) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    stableRounds = count() === last ? stableRounds + 1 : 0;
    last = count();
  }
}

export async function runStackUnderMocks(stack: string, file = stackFilePath(stack)): Promise<MockedStack> {
  const { config, secretKeys } = engineConfigOf(file);
  const resources: RegisteredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          parent: (args as { parent?: string }).parent,
          urn: `urn:pulumi:${stack}::agent-fleet::${args.type}::${args.name}`,
        });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    "agent-fleet",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config, secretKeys);
  const { defineFleet } = await import("../../src/program.ts");
  const outputs = defineFleet();
  await Promise.all(
    outputs.resources.map((resource) => new Promise((resolve) => resource.urn.apply(resolve))),
  );
  await settled(() => resources.length);
  return { resources, outputs, secretKeys };
}
