/**
 * The sandbox replays the dev stack's release and alert timings faster: every duration the
 * controller and the alert rules wait on (analysis interval, canary pauses, scale-down delay,
 * alert `for:`) is divided by the time scale, with a floor of one second. Thresholds, steps,
 * routing and everything else stay exactly as rendered.
 *
 * The scrape interval is not compressed but set to what the sandbox's Prometheus really does:
 * the evidence analysis looks at the scrape cadence, so a stack's 30 s would hide 29 of every 30
 * scrapes from it.
 */
import { type Duration, type FleetConfig, seconds } from "../config/index.ts";
import { promDuration } from "./infra/prometheus.ts";

export function compressDuration(duration: Duration, scale: number): Duration {
  return `${Math.max(1, Math.round(seconds(duration) / scale))}s` as Duration;
}

function compressAll<T extends Record<string, Duration>>(durations: T, scale: number): T {
  return Object.fromEntries(
    Object.entries(durations).map(([key, value]) => [key, compressDuration(value, scale)]),
  ) as T;
}

/** The fleet as the sandbox runs it: timings compressed by `scale`, scraped every `scrapeIntervalSeconds`. */
export function sandboxFleet(fleet: FleetConfig, scale: number, scrapeIntervalSeconds: number): FleetConfig {
  const compressed = compressFleet(fleet, scale);
  return {
    ...compressed,
    monitoring: {
      ...compressed.monitoring,
      scrapeInterval: promDuration(scrapeIntervalSeconds) as Duration,
    },
  };
}

export function compressFleet(fleet: FleetConfig, scale: number): FleetConfig {
  if (scale === 1) return fleet;
  const agents = fleet.agents.map((agent) => {
    const strategy = agent.strategy;
    if (strategy.type === "rolling") return agent;
    const analysis = { ...strategy.analysis, interval: compressDuration(strategy.analysis.interval, scale) };
    if (strategy.type === "canary") {
      const steps = strategy.steps.map((step) =>
        step.pause && step.pause !== "manual"
          ? { ...step, pause: compressDuration(step.pause, scale) }
          : step,
      );
      return { ...agent, strategy: { ...strategy, steps, analysis } };
    }
    return {
      ...agent,
      strategy: { ...strategy, analysis, scaleDownDelay: compressDuration(strategy.scaleDownDelay, scale) },
    };
  });
  return {
    ...fleet,
    agents,
    monitoring: { ...fleet.monitoring, durations: compressAll(fleet.monitoring.durations, scale) },
  };
}
