/**
 * Stand-in for the Deployment controller's status reporting: after a Deployment is written, its
 * status reports every desired replica as updated, ready and available (after an optional delay).
 * No ReplicaSets or Pods exist; readiness can be held back per Deployment to test waiting.
 */

import type { StoredObject } from "./objects.ts";
import type { ResourceType } from "./resources.ts";
import type { ObjectStore } from "./store.ts";

interface DeploymentShape {
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; readyReplicas?: number };
}

export interface DeploymentStatusSimulator {
  /** Deployments (by `namespace/name`) whose pods never become ready until released. */
  holdReadiness(key: string): void;
  releaseReadiness(key: string): void;
  stop(): void;
}

function settled(object: StoredObject): boolean {
  const shape = object as unknown as DeploymentShape;
  const desired = shape.spec?.replicas ?? 1;
  return (
    shape.status?.observedGeneration === object.metadata.generation &&
    shape.status?.replicas === desired &&
    shape.status?.readyReplicas === desired
  );
}

export function simulateDeploymentStatus(
  store: ObjectStore,
  deployments: ResourceType,
  delayMs: number,
): DeploymentStatusSimulator {
  const held = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const report = (namespace: string | undefined, name: string) => {
    const current = store.get(deployments, namespace, name);
    if (!current || settled(current) || held.has(`${namespace}/${name}`)) return;
    const desired = (current as unknown as DeploymentShape).spec?.replicas ?? 1;
    const status = {
      observedGeneration: current.metadata.generation ?? 1,
      replicas: desired,
      updatedReplicas: desired,
      readyReplicas: desired,
      availableReplicas: desired,
    };
    store.replace(deployments, namespace, name, { ...current, status }, "status");
  };
  const unsubscribe = store.subscribe((event) => {
    if (event.typeKey !== "apps/v1/deployments" || event.type === "DELETED" || settled(event.object)) return;
    const { namespace, name = "" } = event.object.metadata;
    const timer = setTimeout(() => {
      timers.delete(timer);
      report(namespace, name);
    }, delayMs);
    timers.add(timer);
  });
  return {
    holdReadiness: (key) => held.add(key),
    releaseReadiness: (key) => {
      held.delete(key);
      const [namespace, name = ""] = key.split("/");
      report(namespace, name);
    },
    stop: () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
