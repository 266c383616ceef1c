/**
 * Rules that span fields (and so cannot live on one schema field). Each returns problems; the
 * loader reports all of them together. Rules about what the config renders into (object names,
 * label values, namespaces, environment variables, Gateway routes) live in `checks/`.
 */
import { clusterNamespaces } from "./checks/clusterNamespaces.ts";
import { dataConfigEnvCollisions } from "./checks/dataConfigEnv.ts";
import { derivedNameLimits } from "./checks/derivedNames.ts";
import { gatewayRouteClaims } from "./checks/gatewayRoutes.ts";
import { objectNameCollisions } from "./checks/nameCollisions.ts";
import type { ConfigPath, ConfigProblem } from "./problems.ts";
import { parseTimeOfDay, seconds } from "./quantity.ts";
import type { FleetConfig } from "./resolve.ts";
import type { AlertThresholds, CanaryStep } from "./schema.ts";

/**
 * Receivers' secrets are not checked here: whether a missing one is an error depends on the
 * loader and the environment (see receiverSecrets.ts).
 */
export function crossCheck(fleet: FleetConfig): ConfigProblem[] {
  return [
    ...uniqueNames(fleet),
    ...agentPlacement(fleet),
    ...replicaBounds(fleet),
    ...canarySteps(fleet),
    ...thresholdOrder(fleet),
    ...webhookTokenSource(fleet),
    ...routes(fleet),
    ...autoscalingWindows(fleet),
    ...scaleSchedules(fleet),
    ...sloWindows(fleet),
    ...objectNameCollisions(fleet),
    ...derivedNameLimits(fleet),
    ...clusterNamespaces(fleet),
    ...dataConfigEnvCollisions(fleet),
    ...gatewayRouteClaims(fleet),
  ];
}

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
): Array<{ index: number; first: number }> {
  const seen = new Map<string, number>();
  const found: Array<{ index: number; first: number }> = [];
  items.forEach((item, index) => {
    const first = seen.get(key(item));
    if (first === undefined) seen.set(key(item), index);
    else found.push({ index, first });
  });
  return found;
}

function uniqueNames(fleet: FleetConfig): ConfigProblem[] {
  const agentDuplicates = duplicates(fleet.agents, (agent) => agent.id).map(({ index, first }) => ({
    path: ["agents", index, "id"],
    message: `"${fleet.agents[index]?.id}" is already used by agents[${first}]: agent ids must be unique`,
  }));
  const clusterDuplicates = duplicates(fleet.clusters, (cluster) => cluster.name).map(({ index, first }) => ({
    path: ["clusters", index, "name"],
    message: `"${fleet.clusters[index]?.name}" is already used by clusters[${first}]: cluster names must be unique`,
  }));
  return [...agentDuplicates, ...clusterDuplicates];
}

function agentPlacement(fleet: FleetConfig): ConfigProblem[] {
  const names = fleet.clusters.map((cluster) => cluster.name);
  return fleet.agents.flatMap((agent, index) =>
    names.includes(agent.cluster)
      ? []
      : [
          {
            path: ["agents", index, "cluster"],
            message: `"${agent.cluster}" is not a declared cluster: use one of ${names.join(", ")} or add it to \`clusters\``,
          },
        ],
  );
}

function replicaBounds(fleet: FleetConfig): ConfigProblem[] {
  return fleet.agents.flatMap((agent, index) =>
    agent.replicas.min > agent.replicas.max
      ? [
          {
            path: ["agents", index, "replicas", "min"],
            message: `${agent.replicas.min} is greater than replicas.max (${agent.replicas.max}): lower min or raise max`,
          },
        ]
      : [],
  );
}

function stepProblems(steps: readonly CanaryStep[], path: ConfigPath): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  steps.forEach((step, index) => {
    const previous = steps[index - 1];
    if (previous && step.weight <= previous.weight) {
      problems.push({
        path: [...path, index, "weight"],
        message: `${step.weight} does not increase on the previous step (${previous.weight}): canary weights must rise step by step`,
      });
    }
  });
  const last = steps.at(-1);
  if (last && last.weight !== 100) {
    problems.push({
      path: [...path, steps.length - 1, "weight"],
      message: `${last.weight} is the last step: canary steps must end at 100 so the release completes`,
    });
  }
  return problems;
}

function canarySteps(fleet: FleetConfig): ConfigProblem[] {
  const fleetProblems = stepProblems(fleet.release.canarySteps, ["release", "canarySteps"]);
  const agentProblems = fleet.agents.flatMap((agent, index) =>
    agent.strategy.type === "canary" && hasOwnSteps(fleet, index)
      ? stepProblems(agent.strategy.steps, ["agents", index, "strategy", "steps"])
      : [],
  );
  return [...fleetProblems, ...agentProblems];
}

/** Agents that inherit `release.canarySteps` are reported once, at the fleet path. */
function hasOwnSteps(fleet: FleetConfig, index: number): boolean {
  const strategy = fleet.agents[index]?.strategy;
  return strategy?.type === "canary" && strategy.steps !== fleet.release.canarySteps;
}

const ORDERED_THRESHOLDS: Array<[keyof AlertThresholds, keyof AlertThresholds]> = [
  ["latencyP95WarningSeconds", "latencyP95CriticalSeconds"],
  ["cpuWarning", "cpuCritical"],
  ["memoryWarning", "memoryCritical"],
];

function thresholdProblems(thresholds: AlertThresholds, path: ConfigPath): ConfigProblem[] {
  return ORDERED_THRESHOLDS.flatMap(([warning, critical]) =>
    thresholds[warning] < thresholds[critical]
      ? []
      : [
          {
            path: [...path, warning],
            message: `${thresholds[warning]} is not below ${critical} (${thresholds[critical]}): a warning must fire before the critical alert`,
          },
        ],
  );
}

function thresholdOrder(fleet: FleetConfig): ConfigProblem[] {
  const fleetProblems = thresholdProblems(fleet.monitoring.thresholds, ["monitoring", "thresholds"]);
  const agentProblems = fleet.agents.flatMap((agent, index) => {
    // Only report agent paths for pairs the agent itself overrides.
    const own = thresholdProblems(agent.alertThresholds, ["agents", index, "alertThresholds"]);
    return own.filter((problem) => {
      const key = problem.path.at(-1) as keyof AlertThresholds;
      const partner = ORDERED_THRESHOLDS.find(([warning]) => warning === key)?.[1];
      return (
        agent.alertThresholds[key] !== fleet.monitoring.thresholds[key] ||
        (partner !== undefined && agent.alertThresholds[partner] !== fleet.monitoring.thresholds[partner])
      );
    });
  });
  return [...fleetProblems, ...agentProblems];
}

/** A webhook token mode other than `secret` would silently ignore a token the stack sets. */
function webhookTokenSource(fleet: FleetConfig): ConfigProblem[] {
  const mode = fleet.alerting.receivers.webhook?.bearerToken;
  if (mode === undefined || mode === "secret" || fleet.webhookBearerToken === undefined) return [];
  return [
    {
      path: ["alerting", "receivers", "webhook", "bearerToken"],
      message: `"${mode}" ignores the secret \`webhookBearerToken\` this stack sets: use "secret" to send it, or remove it with \`pulumi config rm webhookBearerToken\``,
    },
  ];
}

function routes(fleet: FleetConfig): ConfigProblem[] {
  return fleet.agents.flatMap((agent, index) => {
    const problems: ConfigProblem[] = [];
    if (agent.route && agent.protocol !== "http") {
      problems.push({
        path: ["agents", index, "route"],
        message: `is set but protocol is "${agent.protocol}": HTTP routes need protocol http (gRPC streams use replica-ratio canaries)`,
      });
    }
    const cluster = fleet.clusters.find((candidate) => candidate.name === agent.cluster);
    if (agent.route && cluster && !cluster.gateway) {
      problems.push({
        path: ["agents", index, "route"],
        message: `needs a Gateway: set clusters[${fleet.clusters.indexOf(cluster)}].gateway (name, namespace) for cluster "${cluster.name}"`,
      });
    }
    return problems;
  });
}

function autoscalingWindows(fleet: FleetConfig): ConfigProblem[] {
  const { scaleDownStabilization, scaleDownSustained } = fleet.autoscaling;
  return seconds(scaleDownStabilization) > seconds(scaleDownSustained)
    ? [
        {
          path: ["autoscaling", "scaleDownStabilization"],
          message: `"${scaleDownStabilization}" is longer than scaleDownSustained ("${scaleDownSustained}"): the cooldown cannot exceed the sustained-low window`,
        },
      ]
    : [];
}

/** Schedules: unique names, a window that ends after it starts, declared agents that can reach the floor. */
function scaleSchedules(fleet: FleetConfig): ConfigProblem[] {
  const schedules = fleet.autoscaling.schedules;
  const at = (index: number, ...rest: ConfigPath): ConfigPath => ["autoscaling", "schedules", index, ...rest];
  const names = duplicates(schedules, (schedule) => schedule.name).map(({ index, first }) => ({
    path: at(index, "name"),
    message: `"${schedules[index]?.name}" is already used by autoscaling.schedules[${first}]: schedule names must be unique`,
  }));
  const declared = fleet.agents.map((agent) => agent.id);
  const perSchedule = schedules.flatMap((schedule, index): ConfigProblem[] => {
    const problems: ConfigProblem[] = [];
    if ((parseTimeOfDay(schedule.end) ?? 0) <= (parseTimeOfDay(schedule.start) ?? 0)) {
      problems.push({
        path: at(index, "end"),
        message: `"${schedule.end}" is not after start ("${schedule.start}"): split a window across midnight into two schedules (…–24:00 and 00:00–…)`,
      });
    }
    (schedule.agents ?? []).forEach((id, agentIndex) => {
      if (!declared.includes(id)) {
        problems.push({
          path: at(index, "agents", agentIndex),
          message: `"${id}" is not a declared agent: use one of ${declared.join(", ")}`,
        });
      }
    });
    const cannotReach = fleet.agents.filter(
      (agent) =>
        (!schedule.agents || schedule.agents.includes(agent.id)) && schedule.minReplicas > agent.replicas.max,
    );
    if (cannotReach.length > 0) {
      const agents = cannotReach.map((agent) => `"${agent.id}" (${agent.replicas.max})`).join(", ");
      problems.push({
        path: at(index, "minReplicas"),
        message: `${schedule.minReplicas} is above replicas.max of ${agents}: raise their max, lower minReplicas, or list the agents the schedule applies to`,
      });
    }
    return problems;
  });
  return [...names, ...perSchedule];
}

/** Label-based SLO rules share one compliance period, so an agent cannot pick its own window. */
function sloWindows(fleet: FleetConfig): ConfigProblem[] {
  const window = fleet.monitoring.slo.window;
  return fleet.agents.flatMap((agent, index) =>
    agent.slo.window === window
      ? []
      : [
          {
            path: ["agents", index, "slo", "window"],
            message: `"${agent.slo.window}" differs from monitoring.slo.window ("${window}"): SLO rules are label-based and share one period; remove the per-agent window or change monitoring.slo.window`,
          },
        ],
  );
}
