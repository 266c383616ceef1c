/**
 * Runs `defineMonitoring` under `pulumi.runtime.setMocks` with the engine config of a real stack
 * file (`secure:` values and the receivers' backend secrets become mock secrets, as in
 * harness/pulumiStack.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { engineConfigOf } from "../../../harness/pulumiStack.ts";
import { stackFilePath } from "../../../src/config/index.ts";

export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export async function runMonitoringUnderMocks(
  stack: string,
  extraConfig: Record<string, string> = {},
  secretKeys: string[] = [],
  /** Config keys of the stack's engine config to leave out (e.g. a backend secret). */
  without: string[] = [],
) {
  const engine = engineConfigOf(stackFilePath(stack));
  for (const key of without) delete engine.config[key];
  const resources: MockedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "random:index/randomPassword:RandomPassword"
            ? { ...args.inputs, result: "generated-token" }
            : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "agent-fleet",
    stack,
    false,
  );
  const secrets = [...engine.secretKeys, ...secretKeys].filter((key) => !without.includes(key));
  pulumi.runtime.setAllConfig({ ...engine.config, ...extraConfig }, secrets);
  const { loadFleetFromPulumi } = await import("../../../src/config/pulumiConfig.ts");
  const { renderFleet } = await import("../../../src/manifests/fleet.ts");
  const { defineMonitoring } = await import("../../../src/components/monitoring/index.ts");
  const fleet = loadFleetFromPulumi({ warn: () => {} });
  const rendered = renderFleet(fleet);
  const defined = defineMonitoring(rendered, {
    webhookBearerToken: fleet.alerting.receivers.webhook?.bearerToken,
  });
  const children = [...defined.monitoring.children, ...defined.alerting.children];
  const urns = await Promise.all(
    [defined.monitoring, defined.alerting, ...children].map((resource) => promiseOf(resource.urn)),
  );
  // Let outstanding registrations (apply callbacks, random passwords) reach the mock.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { defined, rendered, resources, urns };
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}
