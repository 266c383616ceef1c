/**
 * Runs `defineMonitoring` under `pulumi.runtime.setMocks` with the engine config of a real stack
 * file (`secure:` values become mock secrets, as in test/support/pulumiStack.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { stackFilePath } from "../../../src/config/index.ts";
import { engineConfigOf } from "../../support/pulumiStack.ts";

export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export async function runMonitoringUnderMocks(
  stack: string,
  extraConfig: Record<string, string> = {},
  secretKeys: string[] = [],
) {
  const engine = engineConfigOf(stackFilePath(stack));
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
  pulumi.runtime.setAllConfig({ ...engine.config, ...extraConfig }, [...engine.secretKeys, ...secretKeys]);
  const { loadFleetFromPulumi } = await import("../../../src/config/pulumiConfig.ts");
  const { renderFleet } = await import("../../../src/manifests/fleet.ts");
  const { defineMonitoring } = await import("../../../src/components/monitoring/index.ts");
  const rendered = renderFleet(loadFleetFromPulumi());
  const defined = defineMonitoring(rendered);
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
