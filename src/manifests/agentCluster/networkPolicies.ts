/**
 * Default-deny for every pod in an agent cluster, then only what the fleet needs: Prometheus
 * scrapes, the gateway to data ports, agent-to-agent streams, DNS, and declared data egress.
 * Externally reachable agents additionally accept traffic from anywhere on their HTTP port.
 */
import type { Cluster, FleetConfig } from "../../config/index.ts";
import { fleetLabels } from "../../contract/labels.ts";
import { GRPC_PORT, HTTP_PORT } from "../../contract/ports.ts";
import type { KubeObject } from "../types.ts";
import { agentsIn } from "./quota.ts";

const FLEET_PODS = { matchLabels: { "app.kubernetes.io/part-of": "agent-fleet" } };

function policy(cluster: Cluster, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: cluster.name, labels: fleetLabels("agent-cluster") },
    spec,
  };
}

function fromNamespace(namespace: string) {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } };
}

function tcp(...ports: number[]) {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

export function buildNetworkPolicies(cluster: Cluster, fleet: FleetConfig): KubeObject[] {
  const policies = [
    policy(cluster, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy(cluster, "allow-prometheus-scrape", {
      podSelector: FLEET_PODS,
      policyTypes: ["Ingress"],
      ingress: [{ from: [fromNamespace(fleet.monitoring.namespace)], ports: tcp(HTTP_PORT) }],
    }),
    policy(cluster, "allow-gateway", {
      podSelector: FLEET_PODS,
      policyTypes: ["Ingress"],
      ingress: [{ from: [fromNamespace(cluster.ingressNamespace)], ports: tcp(HTTP_PORT, GRPC_PORT) }],
    }),
    policy(cluster, "allow-agent-streams", {
      podSelector: FLEET_PODS,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: FLEET_PODS }], ports: tcp(GRPC_PORT) }],
    }),
    policy(cluster, "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ...fromNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
  ];
  if (cluster.dataEgress.length > 0) {
    policies.push(
      policy(cluster, "allow-data-egress", {
        podSelector: FLEET_PODS,
        policyTypes: ["Egress"],
        egress: cluster.dataEgress.map((rule) => ({
          to: [{ ipBlock: { cidr: rule.cidr } }],
          ports: tcp(...rule.ports),
        })),
      }),
    );
  }
  for (const agent of agentsIn(cluster, fleet).filter((candidate) => candidate.externalAccess)) {
    policies.push(
      policy(cluster, `allow-external-${agent.id}`, {
        podSelector: { matchLabels: { agent: agent.id } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(HTTP_PORT) }],
      }),
    );
  }
  return policies;
}
