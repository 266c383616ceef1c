/**
 * Real Prometheus scraping a real sample agent found through file-based service discovery: the
 * series carry the contract's target labels, a rule file is evaluated, and a target written out
 * of the file disappears.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monitoringBinaries } from "../../harness/monitoringGeneration.ts";
import { type LaunchedAgent, launchAgent } from "../../src/sandbox/agent/launch.ts";
import { pollUntil } from "../../src/sandbox/infra/poll.ts";
import { ProcessSupervisor } from "../../src/sandbox/infra/processes.ts";
import { type PrometheusServer, startPrometheus } from "../../src/sandbox/infra/prometheus.ts";

const RULES = `groups:
  - name: sandbox-test
    rules:
      - record: namespace_agent_track:agent_records_processed:sum
        expr: sum by (namespace, agent, track) (agent_records_processed_total)
`;

let supervisor: ProcessSupervisor;
let rulesFile: string;
let agent: LaunchedAgent;
let prometheus: PrometheusServer;

beforeAll(async () => {
  supervisor = await ProcessSupervisor.create();
  rulesFile = join(supervisor.dir("rules"), "rules.yml");
  await writeFile(rulesFile, RULES);
  [agent, prometheus] = await Promise.all([
    launchAgent(supervisor, {
      namespace: "data-processing",
      agent: "x",
      track: "blue",
      pod: "x-blue-0",
      version: "1.0.0",
    }),
    startPrometheus(supervisor, { ruleFiles: [rulesFile] }),
  ]);
  for (let index = 0; index < 5; index += 1) {
    const answer = await fetch(`${agent.url}/records`, {
      method: "POST",
      body: JSON.stringify({ id: index }),
    });
    expect(answer.status).toBe(200);
  }
  await prometheus.setTargets([
    {
      address: agent.address,
      labels: { namespace: "data-processing", agent: "x", track: "blue", pod: "x-blue-0", version: "1.0.0" },
    },
  ]);
});

afterAll(async () => {
  await supervisor?.stop();
});

describe("Prometheus in the sandbox", () => {
  it("is the selected generation's Prometheus", async () => {
    const answer = (await (await fetch(`${prometheus.url}/api/v1/status/buildinfo`)).json()) as {
      data: { version: string };
    };
    expect(answer.data.version).toMatch(monitoringBinaries().expectedVersions.prometheus);
  });

  it("finds the agent through file_sd and reports the target up", async () => {
    const target = await pollUntil(
      async () => (await prometheus.activeTargets()).find((candidate) => candidate.health === "up"),
      { description: "an up target" },
    );
    expect(target.job).toBe("agents");
    expect(target.labels).toMatchObject({
      namespace: "data-processing",
      agent: "x",
      track: "blue",
      pod: "x-blue-0",
    });
  });

  // Prometheus 3 normalises `le` of the text format at scrape time: prom-client's `le="1"` is
  // stored as `le="1.0"`, so a rule or query naming a bucket must accept both spellings.
  it("stores the agent's whole-number bucket bounds as this generation spells them", async () => {
    const buckets = await pollUntil(
      async () => {
        const result = await prometheus.query('agent_processing_latency_seconds_bucket{agent="x"}');
        return result.length > 0 ? result : undefined;
      },
      { description: "agent_processing_latency_seconds_bucket{agent=x}" },
    );
    const bounds = buckets.map((sample) => sample.labels.le);
    const normalised = monitoringBinaries().generation === "current";
    expect(bounds).toEqual(expect.arrayContaining(normalised ? ["1.0", "5.0", "+Inf"] : ["1", "5", "+Inf"]));
    expect(bounds).not.toContain(normalised ? "1" : "1.0");
    expect(bounds).toContain("0.25");
  });

  it("answers the contract's series with namespace/agent/track/pod labels", async () => {
    const [sample] = await pollUntil(
      async () => {
        const result = await prometheus.query('agent_records_processed_total{agent="x",track="blue"}');
        return result.length > 0 ? result : undefined;
      },
      { description: "agent_records_processed_total{agent=x,track=blue}" },
    );
    expect(sample?.value).toBe(5);
    expect(sample?.labels).toMatchObject({
      __name__: "agent_records_processed_total",
      namespace: "data-processing",
      agent: "x",
      track: "blue",
      pod: "x-blue-0",
      version: "1.0.0",
      job: "agents",
    });
    // The agent sets none of these itself, so Prometheus renamed nothing.
    expect(Object.keys(sample?.labels ?? {}).filter((label) => label.startsWith("exported_"))).toEqual([]);
    const names = await prometheus.query('count by (__name__) ({agent="x", __name__=~"agent_.*"})');
    expect(names.map((entry) => entry.labels.__name__).sort()).toEqual(
      [
        "agent_active_streams",
        "agent_bytes_processed_total",
        "agent_data_quality_score",
        "agent_health_status",
        "agent_input_queue_depth",
        "agent_output_queue_depth",
        "agent_processing_latency_seconds_bucket",
        "agent_processing_latency_seconds_count",
        "agent_processing_latency_seconds_sum",
        "agent_records_failed_total",
        "agent_records_processed_total",
      ].sort(),
    );
  });

  it("evaluates the given rule file", async () => {
    const [recorded] = await pollUntil(
      async () => {
        const result = await prometheus.query("namespace_agent_track:agent_records_processed:sum");
        return result.length > 0 ? result : undefined;
      },
      { description: "the recorded series" },
    );
    expect(recorded?.labels).toEqual({
      __name__: "namespace_agent_track:agent_records_processed:sum",
      namespace: "data-processing",
      agent: "x",
      track: "blue",
    });
    expect(recorded?.value).toBe(5);
  });

  it("picks up a changed rule file on reload", async () => {
    const extra = `      - record: namespace_agent:agent_data_quality_score:min
        expr: min by (namespace, agent) (agent_data_quality_score)
`;
    await writeFile(rulesFile, RULES + extra);
    await prometheus.reload();
    const [quality] = await pollUntil(async () => {
      const result = await prometheus.query("namespace_agent:agent_data_quality_score:min");
      return result.length > 0 ? result : undefined;
    });
    expect(quality?.value).toBe(0.99);
  });

  it("answers range queries over the scraped series", async () => {
    const series = await pollUntil(
      async () => {
        const end = Date.now() / 1000;
        const [found] = await prometheus.queryRange('agent_health_status{agent="x"}', {
          start: end - 5,
          end,
          stepSeconds: 1,
        });
        return found && found.points.length >= 3 ? found : undefined;
      },
      { description: "three seconds of agent_health_status" },
    );
    expect(series?.labels).toMatchObject({ agent: "x", track: "blue" });
    expect(series?.points.every((point) => point.value === 0)).toBe(true);
  });

  it("drops a target removed from the file", async () => {
    await prometheus.setTargets([]);
    await pollUntil(async () => ((await prometheus.activeTargets()).length === 0 ? true : undefined), {
      description: "no active targets",
      timeoutMs: 15_000,
    });
  });
});
