/**
 * The render's last check over the object set, on what the engine was actually given: one object
 * per identity, and nothing the API server would reject for its size, name or labels. The engine
 * gives no config paths, so objects are traced to their agent or component by their labels.
 */
import { objectSetProblems } from "../../manifests/invariants/index.ts";
import type { KubeObject } from "../../manifests/types.ts";
import { labelsOf } from "../objects.ts";
import { stackPolicy } from "../types.ts";

function originFromLabels(object: KubeObject): string | undefined {
  const labels = labelsOf(object);
  if (labels.agent) return `agent ${labels.agent}`;
  const component = labels["app.kubernetes.io/component"];
  return component ? `the fleet's ${component} objects` : undefined;
}

export const objectIdentityAndLimits = stackPolicy({
  name: "object-identity-and-limits",
  description:
    "Every object has its own apiVersion group, kind, namespace and name, and stays within the API server's " +
    "limits: ConfigMap/Secret data ≤ 1 MiB, label values ≤ 63 characters of the label syntax, label key names " +
    "≤ 63 and prefixes ≤ 253, metadata.name ≤ 253 (63 for Services and Namespaces), annotations ≤ 256 KiB. " +
    "Mandatory in every stack. Fix: rename or shorten the config value the object's name or label comes from, " +
    "or make its data smaller.",
  scope: "stack",
  enforcedAs: "always",
  settings: {},
  check(objects) {
    return objectSetProblems(objects, originFromLabels).map(({ object, message }) => ({ object, message }));
  },
});
