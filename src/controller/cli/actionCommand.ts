/**
 * `promote|abort|pause|resume`: writes one request (see rollout/actionRequest.ts), conditional on
 * the resourceVersion it decided on, so two operators can never overwrite each other unseen; then
 * waits for the controller's one recorded outcome and, for promote and abort, for the router's
 * read-back to show the weights. Success is only ever reported from what the cluster shows.
 *
 * Exit codes: 0 applied (and traffic confirmed), 3 not taken up in time (the request stays
 * pending), 4 applied but the router does not show the weights yet, 5 refused or superseded.
 */
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import { type Cluster, KINDS, type KubeObject, type ObjectKey } from "../kube/cluster.ts";
import { isConflict } from "../kube/errors.ts";
import { eventAbout } from "../kube/events.ts";
import {
  actionAnnotations,
  describeGate,
  type ManualActionName,
  recordedOutcome,
} from "../rollout/actionRequest.ts";
import { getCondition } from "../rollout/conditions.ts";
import { type ActionIntent, type Binding, bindingOf, gateFromStepFlag, planAction } from "./actionPlan.ts";
import type { CliIo, CliOptions } from "./options.ts";
import { findRollout } from "./read.ts";

export const EXIT = {
  applied: 0,
  error: 1,
  usage: 2,
  notTakenUp: 3,
  trafficUnconfirmed: 4,
  refused: 5,
} as const;

const POLL_MS = 200;
/** Conflicting writes retried before giving up (each re-reads and re-decides). */
const WRITE_ATTEMPTS = 10;
const CLI_COMPONENT = "agent-fleet-rollout-cli";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function bindingText(binding: Binding): string {
  if (!binding.gate && !binding.revision) return "";
  return ` (for ${describeGate(binding.gate)}${binding.revision ? ` of revision ${binding.revision}` : ""})`;
}

/** A refusal that never reached the object is still recorded: as a Warning Event from the CLI. */
async function recordRefusal(
  cluster: Cluster,
  rollout: KubeObject,
  intent: ActionIntent,
  reason: string,
  io: CliIo,
) {
  try {
    await cluster.create(
      eventAbout(
        rollout,
        "Warning",
        "ManualActionRefused",
        `${intent.action} by ${intent.by} (${intent.id}): ${reason}`,
        {
          component: CLI_COMPONENT,
          instance: intent.by,
        },
      ),
    );
  } catch (error) {
    io.stderr.write(`(the refusal could not be recorded as an Event: ${(error as Error).message})\n`);
  }
}

type Submitted = { code: number } | { waitFor: string; key: ObjectKey };

async function submit(
  cluster: Cluster,
  options: CliOptions,
  intent: ActionIntent,
  io: CliIo,
): Promise<Submitted> {
  let binding: Binding | undefined;
  for (let attempt = 1; ; attempt++) {
    const rollout = await findRollout(cluster, options.namespace, options.agent);
    const key = { namespace: options.namespace, name: rollout.metadata.name };
    // Bound once, at the first read: a re-read after a conflict must not move the gate on.
    binding ??= bindingOf(rollout, intent.explicitGate);
    const plan = planAction(intent, binding, rollout, Date.now());
    if (plan.kind === "refuse") {
      io.stderr.write(`${plan.reason}\n`);
      await recordRefusal(cluster, rollout, intent, plan.reason, io);
      return { code: EXIT.refused };
    }
    if (plan.kind === "done") {
      io.stdout.write(`${plan.note}\ncontroller: ${plan.record.result}\n`);
      return { code: EXIT.applied };
    }
    if (plan.kind === "join") {
      io.stdout.write(`${plan.note}; waiting for its outcome\n`);
      return { waitFor: plan.id, key };
    }
    try {
      await cluster.patch(KINDS.agentRollout, key, {
        metadata: {
          resourceVersion: rollout.metadata.resourceVersion,
          annotations: actionAnnotations(plan.request),
        },
      });
    } catch (error) {
      if (isConflict(error) && attempt < WRITE_ATTEMPTS) continue;
      throw error;
    }
    io.stdout.write(
      `${intent.action} requested for ${key.namespace}/${key.name} by ${intent.by}${bindingText(binding)}\n`,
    );
    for (const replaced of plan.request.supersedes)
      io.stdout.write(`  replaces the pending ${replaced.action} by ${replaced.by} (${replaced.id})\n`);
    return { waitFor: intent.id, key };
  }
}

function weightsText(status: AgentRolloutStatus): string {
  return status.weights ? `${status.weights.blue}/${status.weights.green} (blue/green)` : "unknown";
}

/** Waits for the outcome of request `id`, then (promote/abort) for the router's read-back. */
async function awaitOutcome(
  cluster: Cluster,
  key: ObjectKey,
  id: string,
  action: ManualActionName,
  deadline: number,
  options: CliOptions,
  io: CliIo,
): Promise<number> {
  let status: AgentRolloutStatus | undefined;
  let reported = false;
  while (Date.now() < deadline) {
    status = (await cluster.get(KINDS.agentRollout, key))?.status as AgentRolloutStatus | undefined;
    const record = recordedOutcome(status, id);
    if (record && record.outcome !== "Applied" && record.outcome !== undefined) {
      io.stderr.write(`controller: ${record.outcome.toLowerCase()}: ${record.result}\n`);
      return EXIT.refused;
    }
    if (record && !reported) {
      io.stdout.write(`controller: ${record.result}\n`);
      reported = true;
    }
    if (record && (!record.target || record.confirmedAt)) {
      if (record.target)
        io.stdout.write(
          `traffic now ${weightsText({ weights: record.target })}, read back from the router\n`,
        );
      return EXIT.applied;
    }
    await sleep(POLL_MS);
  }
  if (!reported) {
    io.stderr.write(
      `${action} requested; the controller has not taken it up within ${options.timeoutSeconds}s (is it running?). The request stays pending and is applied when it does (it expires after 15 minutes).\n`,
    );
    return EXIT.notTakenUp;
  }
  const target = recordedOutcome(status, id)?.target;
  const routed = getCondition(status ?? {}, "TrafficRouted");
  const notYet = target ? `, not ${target.blue}/${target.green}` : "";
  io.stderr.write(
    `${action} applied, but traffic is still ${weightsText(status ?? {})}${notYet} after ${options.timeoutSeconds}s because ${routed?.message ?? "the router has not confirmed it"}${status?.message ? `; ${status.message}` : ""}\n`,
  );
  return EXIT.trafficUnconfirmed;
}

export async function requestAction(
  cluster: Cluster,
  options: CliOptions & { command: ManualActionName },
  io: CliIo,
  by: string,
  newId: () => string,
): Promise<number> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const intent: ActionIntent = {
    action: options.command,
    id: newId(),
    by,
    replace: options.replace,
    explicitGate: options.step !== undefined ? gateFromStepFlag(options.step) : undefined,
  };
  const submitted = await submit(cluster, options, intent, io);
  if ("code" in submitted) return submitted.code;
  if (!options.wait) return EXIT.applied;
  return awaitOutcome(cluster, submitted.key, submitted.waitFor, intent.action, deadline, options, io);
}
