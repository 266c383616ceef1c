/**
 * What the policy pack runs at start-up: the stack config Pulumi hands every policy pack (the same
 * values the program reads) becomes the policy context, and the context the declared enforcement.
 */
import { getStack, runtime } from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../config/index.ts";
import { loadFleetFromPulumi } from "../config/pulumiConfig.ts";
import { policyContextFromFleet } from "./context.ts";
import { packPolicies } from "./pack.ts";

export const PACK_NAME = "agent-fleet";

export function loadPackPolicies() {
  const hasFleetConfig = Object.keys(runtime.allConfig()).some((key) =>
    key.startsWith(`${CONFIG_NAMESPACE}:`),
  );
  if (!hasFleetConfig) {
    throw new Error(
      `the agent-fleet policy pack reads the stack's ${CONFIG_NAMESPACE}:* config, and stack ${getStack()} has none: ` +
        "run it on an agent-fleet stack (`pulumi preview --stack dev --policy-pack policies`)",
    );
  }
  // Lenient about credentials: the pack needs none, and a missing one is the program's to report.
  return packPolicies(policyContextFromFleet(loadFleetFromPulumi({ secrets: "lenient" }), getStack()));
}
