/** Every container declares requests and limits, and no request exceeds its limit. */
import { asArray, containersOf, podTemplateOf, quantityOf, type VolumeView } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

type Amounts = Record<string, string | number> | undefined;

/** `requests.x > limits.x`, for every resource both name. */
function overLimit(what: string, requests: Amounts, limits: Amounts): string[] {
  return Object.entries(requests ?? {}).flatMap(([resource, request]) => {
    const limit = limits?.[resource];
    if (limit === undefined) return [];
    const requested = quantityOf(resource, request);
    const allowed = quantityOf(resource, limit);
    if (requested === undefined || allowed === undefined || requested <= allowed) return [];
    return [
      `${what} requests ${resource} ${request}, above its limit ${limit}: lower the request or raise the limit`,
    ];
  });
}

export const resourceRequestsLimits = resourcePolicy({
  name: "resource-requests-limits",
  description:
    "Every container sets CPU and memory requests and limits, and no request exceeds its limit (data " +
    "volume claims included). Fix: set resources.requests and resources.limits (agents derive requests " +
    "from resources.limits in the stack config).",
  scope: "resource",
  settings: {
    requiredResources: stringListSetting(
      ["cpu", "memory"],
      "Resources every container must request and limit.",
    ),
  },
  check(object, _context, settings) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec) return [];
    const messages: string[] = [];
    for (const { container, label } of containersOf(spec)) {
      const { requests, limits } = container.resources ?? {};
      for (const resource of settings.requiredResources) {
        if (requests?.[resource] === undefined) messages.push(`${label} has no ${resource} request: set one`);
        if (limits?.[resource] === undefined) messages.push(`${label} has no ${resource} limit: set one`);
      }
      messages.push(...overLimit(label, requests, limits));
    }
    for (const volume of asArray<VolumeView>(spec.volumes)) {
      const resources = volume.ephemeral?.volumeClaimTemplate?.spec?.resources;
      messages.push(...overLimit(`volume "${volume.name}"`, resources?.requests, resources?.limits));
    }
    return messages;
  },
});
