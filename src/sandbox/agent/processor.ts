/**
 * Record processing of the sample agent: a stream (one `POST /records`) waits in the input queue
 * until one of `maxConcurrentStreams` slots is free, then its records are processed — hashed, with
 * the base latency plus injected faults — and their results wait in the output queue until the
 * response is written. Every record counts in `agent_records_processed_total`; the failed ones
 * also in `agent_records_failed_total`, so failed/processed is the error ratio the alerts use.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { failurePicker } from "./faults.ts";
import type { AgentMetrics } from "./metrics.ts";
import type { AgentSettings } from "./settings.ts";

/** Quality of a healthy agent's output: just above the default alert threshold of 0.95. */
export const BASELINE_QUALITY = 0.99;
/** Input queue depth above which the agent reports itself degraded. */
export const DEGRADED_QUEUE_DEPTH = 1000;

export interface RecordResult {
  id: string | number | null;
  ok: boolean;
  digest?: string;
  error?: string;
}

export interface StreamResult {
  results: RecordResult[];
  failed: number;
  /** Call once the response carrying the results is written: empties the output queue. */
  delivered(): void;
}

function recordId(record: unknown): string | number | null {
  if (record && typeof record === "object" && "id" in record) {
    const id = (record as { id: unknown }).id;
    if (typeof id === "string" || typeof id === "number") return id;
  }
  return null;
}

export class RecordProcessor {
  readonly #settings: AgentSettings;
  readonly #metrics: AgentMetrics;
  readonly #nextFails: () => boolean;
  readonly #waiting: Array<() => void> = [];
  #activeStreams = 0;
  #inputQueue = 0;
  #outputQueue = 0;

  constructor(settings: AgentSettings, metrics: AgentMetrics) {
    this.#settings = settings;
    this.#metrics = metrics;
    this.#nextFails = failurePicker(settings.faults, `${settings.pod}/${settings.version}`);
    metrics.quality.set(settings.faults.quality ?? BASELINE_QUALITY);
    this.#publish();
  }

  /** 0 healthy, 1 degraded (fault or a backed-up input queue), 2 unhealthy (fault). */
  healthStatus(): 0 | 1 | 2 {
    const forced = this.#settings.faults.healthStatus;
    if (forced === 2) return 2;
    return forced === 1 || this.#inputQueue > DEGRADED_QUEUE_DEPTH ? 1 : 0;
  }

  async processStream(records: readonly unknown[]): Promise<StreamResult> {
    this.#inputQueue += records.length;
    this.#publish();
    await this.#acquireSlot();
    this.#inputQueue -= records.length;
    try {
      const results = await Promise.all(records.map((record) => this.#processRecord(record)));
      this.#outputQueue += results.length;
      let pending = results.length;
      return {
        results,
        failed: results.filter((result) => !result.ok).length,
        delivered: () => {
          this.#outputQueue -= pending;
          pending = 0;
          this.#publish();
        },
      };
    } finally {
      this.#releaseSlot();
    }
  }

  async #processRecord(record: unknown): Promise<RecordResult> {
    const started = performance.now();
    const bytes = Buffer.from(JSON.stringify(record) ?? "null");
    const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const { baseLatencyMs, faults } = this.#settings;
    const jitter = 0.5 + Math.random();
    await sleep(baseLatencyMs * faults.latencyFactor * jitter + faults.latencyMs);
    const failed = this.#nextFails();
    this.#metrics.processed.inc();
    this.#metrics.bytes.inc(bytes.length);
    if (failed) this.#metrics.failed.inc();
    this.#metrics.latency.observe((performance.now() - started) / 1000);
    const id = recordId(record);
    return failed ? { id, ok: false, error: "injected processing failure" } : { id, ok: true, digest };
  }

  async #acquireSlot(): Promise<void> {
    if (this.#activeStreams < this.#settings.maxConcurrentStreams) {
      this.#activeStreams += 1;
      this.#publish();
      return;
    }
    // The releasing stream hands its slot over directly, so the count never dips.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#publish();
  }

  #releaseSlot(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#activeStreams -= 1;
    this.#publish();
  }

  #publish(): void {
    this.#metrics.inputQueue.set(this.#inputQueue);
    this.#metrics.outputQueue.set(this.#outputQueue);
    this.#metrics.activeStreams.set(this.#activeStreams);
    this.#metrics.health.set(this.healthStatus());
  }
}
