/** Structured JSON logs (pino) and the audit trail of release decisions. */
import { type DestinationStream, type Logger, pino } from "pino";
import type { Decision } from "./rollout/context.ts";

export function createLogger(level = "info", destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { component: "rollout-controller" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** One audit line per release decision: what, why, the numbers behind it, and who for manual actions. */
export function auditDecision(
  logger: Logger,
  rollout: { namespace: string; name: string },
  decision: Decision,
): void {
  logger.info(
    {
      audit: true,
      namespace: rollout.namespace,
      rollout: rollout.name,
      decision: decision.decision,
      reason: decision.reason,
      actor: decision.actor,
      revision: decision.revision,
      weights: decision.weights,
      metrics: decision.measurements?.map((m) => ({
        metric: m.metric,
        phase: m.phase,
        value: m.value,
        message: m.message,
      })),
    },
    `release decision: ${decision.decision}`,
  );
}
