/**
 * A cluster's name is a namespace the program creates and owns: it labels it restricted, fills it
 * with a quota and a default-deny NetworkPolicy, and deletes it on destroy. So it must not be a
 * namespace that already serves something else: the fleet's Prometheus, the rollout controller,
 * a Gateway or the ingress pods, or one of Kubernetes' own.
 */
import { CONTROLLER } from "../../contract/controller.ts";
import type { ConfigProblem } from "../problems.ts";
import type { FleetConfig } from "../resolve.ts";

/** Namespaces with a use other than an agent cluster, and what that use is. */
function otherUses(fleet: FleetConfig): Array<{ namespace: string; use: string }> {
  return [
    {
      namespace: fleet.monitoring.namespace,
      use: "the namespace of the fleet's Prometheus stack (monitoring.namespace)",
    },
    { namespace: CONTROLLER.namespace, use: "the rollout controller's namespace" },
    ...fleet.clusters.flatMap((cluster, index) => [
      ...(cluster.gateway
        ? [
            {
              namespace: cluster.gateway.namespace,
              use: `the namespace of the Gateway of clusters[${index}] (clusters[${index}].gateway.namespace)`,
            },
          ]
        : []),
      {
        namespace: cluster.ingressNamespace,
        use: `the namespace of the ingress pods (clusters[${index}].ingressNamespace)`,
      },
    ]),
  ];
}

function kubernetesOwned(name: string): boolean {
  return name === "default" || name.startsWith("kube-");
}

export function clusterNamespaces(fleet: FleetConfig): ConfigProblem[] {
  const uses = otherUses(fleet);
  return fleet.clusters.flatMap((cluster, index): ConfigProblem[] => {
    const use = kubernetesOwned(cluster.name)
      ? "a namespace Kubernetes itself owns"
      : uses.find((candidate) => candidate.namespace === cluster.name)?.use;
    if (use === undefined) return [];
    return [
      {
        path: ["clusters", index, "name"],
        message:
          `"${cluster.name}" is ${use}: the program creates and owns each cluster's namespace (restricted ` +
          "Pod Security, a quota, default-deny network policy; deleted on destroy), so it cannot share one; " +
          "choose another cluster name",
      },
    ];
  });
}
