/** The CustomResourceDefinition for AgentRollout, with its schema generated from the zod types. */
import { z } from "zod";
import { AGENT_ROLLOUT } from "../contract/agentRollout.ts";
import { fleetLabels } from "../contract/labels.ts";
import { agentRolloutSpecSchema, agentRolloutStatusSchema } from "../crd/agentRollout.ts";
import { toStructuralSchema } from "../crd/openapi.ts";
import type { KubeObject } from "./types.ts";

export function buildAgentRolloutCrd(): KubeObject {
  const schema = toStructuralSchema(
    z.object({ spec: agentRolloutSpecSchema, status: agentRolloutStatusSchema.optional() }),
  );
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${AGENT_ROLLOUT.plural}.${AGENT_ROLLOUT.group}`,
      labels: fleetLabels("rollout-controller"),
    },
    spec: {
      group: AGENT_ROLLOUT.group,
      scope: "Namespaced",
      names: {
        kind: AGENT_ROLLOUT.kind,
        listKind: `${AGENT_ROLLOUT.kind}List`,
        plural: AGENT_ROLLOUT.plural,
        singular: AGENT_ROLLOUT.singular,
        shortNames: [...AGENT_ROLLOUT.shortNames],
        categories: ["agent-fleet"],
      },
      versions: [
        {
          name: AGENT_ROLLOUT.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: {
            status: {},
            // The HPA scales the AgentRollout; the controller sizes the tracks from spec.replicas.
            scale: {
              specReplicasPath: ".spec.replicas",
              statusReplicasPath: ".status.replicas",
              labelSelectorPath: ".status.selector",
            },
          },
          additionalPrinterColumns: [
            { name: "Phase", type: "string", jsonPath: ".status.phase" },
            { name: "Active", type: "string", jsonPath: ".status.activeTrack" },
            { name: "Step", type: "integer", jsonPath: ".status.currentStepIndex" },
            { name: "Blue", type: "integer", jsonPath: ".status.weights.blue" },
            { name: "Green", type: "integer", jsonPath: ".status.weights.green" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
        },
      ],
    },
  };
}
