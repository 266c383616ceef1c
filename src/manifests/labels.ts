/** Label conventions shared by every builder (app.kubernetes.io/* plus the fleet's own keys). */

export const PART_OF = "agent-fleet";
export const MANAGED_BY = "pulumi";

export function fleetLabels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
    "app.kubernetes.io/component": component,
  };
}
