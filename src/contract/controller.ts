/**
 * The rollout controller's names. Its objects are rendered by Pulumi and found by monitoring
 * (namespace, name, pod label, metrics port name); the running controller signs its work with
 * one name: the server-side-apply field manager, User-Agent, leader Lease, Event reporting
 * component and the managed-by label of the Deployments it creates.
 */
export const CONTROLLER = {
  namespace: "agent-fleet-system",
  /** Deployment, ServiceAccount, ClusterRole and PDB name. */
  name: "agent-fleet-controller",
  podLabel: { "app.kubernetes.io/name": "agent-fleet-controller" },
  port: "metrics",
} as const;

/** What the running controller calls itself towards the API server. */
export const ROLLOUT_CONTROLLER = "agent-fleet-rollout-controller";
