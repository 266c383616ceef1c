/**
 * Synthetic but valid fleets for benchmarks: N agents spread over a few agent clusters, mixing
 * strategies, protocols, sizes and compliance tags the way a real fleet does. Deterministic (no
 * randomness), so runs compare like with like. Produces the raw `agent-fleet:*` values that
 * `parseFleetConfig` receives from either loader.
 */
import type { FleetConfigInput } from "../src/config/index.ts";

const CLUSTER_NAMES = ["stream-ingest", "batch-enrich", "ml-inference", "partner-exchange"];
const ROLES = ["ingest", "enrich", "export", "audit", "score"];

/** Container sizes, cycled through: [cpu millicores, memory GiB, storage GiB]. */
const SIZES: Array<[number, number, number]> = [
  [500, 1, 10],
  [1000, 2, 20],
  [2000, 4, 50],
];

type AgentInput = FleetConfigInput["agents"][number];
type StrategyInput = NonNullable<AgentInput["strategy"]>;

interface AgentPlan {
  agent: AgentInput;
  cpuMillis: number;
  memoryGi: number;
  storageGi: number;
  gpus: number;
  maxReplicas: number;
}

function strategyFor(index: number): StrategyInput {
  switch (index % 3) {
    case 0:
      return { type: "rolling" };
    case 1:
      return {
        type: "canary",
        steps: [{ weight: 10, pause: "1m" }, { weight: 50, pause: "2m" }, { weight: 100 }],
      };
    default:
      return { type: "blueGreen", scaleDownDelay: "5m" };
  }
}

function planAgent(index: number, clusterCount: number): AgentPlan {
  const role = ROLES[index % ROLES.length] ?? "ingest";
  const id = `${role}-${String(index).padStart(5, "0")}`;
  const [cpuMillis, memoryGi, storageGi] = SIZES[index % SIZES.length] ?? [500, 1, 10];
  const gpus = index % 25 === 24 ? 1 : 0;
  const maxReplicas = 2 + (index % 5);
  // Every fourth agent streams gRPC (replica-ratio canaries, no HTTPRoute); the rest serve HTTP.
  const grpc = index % 4 === 3;
  const regulated = index % 10 === 7;
  const agent: AgentInput = {
    id,
    cluster: CLUSTER_NAMES[index % clusterCount],
    image: `ghcr.io/agent-fleet/${role}-agent`,
    version: `1.${index % 7}.${index % 3}`,
    replicas: { min: 1, max: maxReplicas },
    resources: {
      limits: { cpu: `${cpuMillis}m`, memory: `${memoryGi}Gi`, storage: `${storageGi}Gi`, gpu: gpus },
    },
    throughputTarget: 1000 * (1 + (index % 20)),
    maxConcurrentStreams: 4 << (index % 4),
    dataProcessing: { sourceTopic: `events.${role}.${index}`, batchSize: 100 * (1 + (index % 10)) },
    complianceTags: regulated ? ["gdpr"] : [],
    externalAccess: !regulated && index % 17 === 0,
    protocol: grpc ? "grpc" : "http",
    strategy: strategyFor(index),
    ...(grpc ? {} : { route: { hostnames: [`${id}.bench.agent-fleet.internal`] } }),
  };
  return { agent, cpuMillis, memoryGi, storageGi, gpus, maxReplicas };
}

/**
 * A pool with room for every agent at max replicas on both release tracks, measured in limits
 * (requests are at most the limits), so the capacity check always passes.
 */
function poolFor(plans: AgentPlan[]): FleetConfigInput["resourcePool"] {
  const total = (amount: (plan: AgentPlan) => number) =>
    plans.reduce((sum, plan) => sum + amount(plan) * (plan.maxReplicas * 2), 0);
  return {
    cpu: `${total((plan) => plan.cpuMillis)}m`,
    memory: `${total((plan) => plan.memoryGi)}Gi`,
    storage: `${total((plan) => plan.storageGi)}Gi`,
    gpu: total((plan) => plan.gpus),
  };
}

export function generateFleetConfig(agentCount: number, clusterCount = 3): FleetConfigInput {
  if (clusterCount < 1 || clusterCount > CLUSTER_NAMES.length) {
    throw new RangeError(`clusterCount must be 1-${CLUSTER_NAMES.length}`);
  }
  const plans = Array.from({ length: agentCount }, (_, index) => planAgent(index, clusterCount));
  return {
    environment: "dev",
    resourcePool: poolFor(plans),
    clusters: CLUSTER_NAMES.slice(0, clusterCount).map((name) => ({
      name,
      gateway: { name: `${name}-gateway`, namespace: "gateway-system" },
      dataEgress: [{ cidr: "10.40.0.0/16", ports: [9092] }],
    })),
    agents: plans.map((plan) => plan.agent),
    alerting: { receivers: { webhook: { url: "https://alerts.bench.agent-fleet.internal/hook" } } },
    rbac: { admin: ["platform-admins"], operator: ["data-oncall"], readOnly: ["data-engineers"] },
  };
}
