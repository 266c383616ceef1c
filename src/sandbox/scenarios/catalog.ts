/**
 * The scenarios `npm start -- --scenario <name>` runs. Each is a list of releases (or, for
 * `alert`, a fault) against the dev stack, with what it expects to happen.
 */
import type { AgentRolloutStatus } from "../../crd/agentRollout.ts";
import type { Sandbox } from "../sandbox.ts";
import type { ReleaseStep } from "./releaseRun.ts";

export interface AlertStep {
  /** A rolling agent whose new version is faulty. */
  agent: string;
  version: string;
  alertname: string;
}

export interface Scenario {
  name: string;
  description: string;
  releases: ReleaseStep[];
  alert?: AlertStep;
  /** Requests per second through the gateway during releases. @default 40 */
  ratePerSecond?: number;
}

/** Kills the controller once the canary has moved past its first step, then starts a new one. */
function crashAfterFirstStep(log: (line: string) => void) {
  return async (sandbox: Sandbox, status: AgentRolloutStatus): Promise<boolean> => {
    if ((status.currentStepIndex ?? 0) < 1 || !status.canaryRevision) return false;
    log(
      `controller-crash: SIGKILL at step ${(status.currentStepIndex ?? 0) + 1} (${JSON.stringify(status.weights)})`,
    );
    await sandbox.restartController({ crash: true, downMs: 3000 });
    log("controller-crash: a new controller process started");
    return true;
  };
}

export function scenarioCatalog(log: (line: string) => void): Record<string, Scenario> {
  const goodCanary: ReleaseStep = { agent: "ingest", version: "1.5.0", expect: "promoted" };
  const badCanary: ReleaseStep = { agent: "ingest", version: "1.6.0-bad", expect: "aborted" };
  const blueGreen: ReleaseStep = { agent: "enrich", version: "2.1.0", expect: "promoted" };
  return {
    demo: {
      name: "demo",
      description:
        "a good canary (promoted), a bad canary (aborted, traffic back on stable), a blue-green switch",
      releases: [goodCanary, badCanary, blueGreen],
    },
    "bad-canary": {
      name: "bad-canary",
      description: "a canary of a version failing 30% of records: analysis aborts it",
      releases: [badCanary],
    },
    "blue-green": {
      name: "blue-green",
      description: "a blue-green switch under continuous load",
      releases: [blueGreen],
      ratePerSecond: 200,
    },
    "controller-crash": {
      name: "controller-crash",
      description: "the controller is killed mid-canary and a new one resumes the release",
      releases: [{ ...goodCanary, during: crashAfterFirstStep(log) }],
    },
    alert: {
      name: "alert",
      description: "a degraded version of a rolling agent fires AgentDegraded, delivered to the webhook sink",
      releases: [],
      alert: { agent: "export", version: "0.9.1-degraded", alertname: "AgentDegraded" },
    },
  };
}
