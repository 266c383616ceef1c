/** LoadBalancer Services only for agents that declare external access, and only where the stack allows them. */
import { field, labelsOf } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

export const loadBalancerExposure = resourcePolicy({
  name: "load-balancer-exposure",
  description:
    "A Service is exposed outside the cluster (type LoadBalancer) only for an agent declared with " +
    "`externalAccess: true`, and only in stacks with `policy.allowLoadBalancers: true`. Fix: use ClusterIP " +
    "(and the Gateway for HTTP), or declare externalAccess on the agent where the stack allows it.",
  scope: "resource",
  settings: {
    exposedTypes: stringListSetting(
      ["LoadBalancer"],
      "Service types that expose an agent outside the cluster.",
    ),
  },
  check(object, context, settings) {
    if (object.kind !== "Service") return [];
    const type = field(object.spec, "type");
    if (typeof type !== "string" || !settings.exposedTypes.includes(type)) return [];
    const messages: string[] = [];
    if (!context.allowLoadBalancers) {
      messages.push(
        `type ${type} is not allowed in stack ${context.stack} (policy.allowLoadBalancers: false): use ClusterIP`,
      );
    }
    const agent = labelsOf(object).agent;
    const key = `${object.metadata.namespace ?? "default"}/${agent}`;
    if (!agent || !context.externalAgents.includes(key)) {
      messages.push(
        `type ${type} exposes ${agent ? `agent ${agent}` : "a non-agent Service"}, which does not declare externalAccess: use ClusterIP or set externalAccess: true`,
      );
    }
    return messages;
  },
});
