/** `dataProcessing` keys that would become the same `DATA_CONFIG_*` environment variable. */
import { describe, expect, it } from "vitest";
import { agentAt, linesAfter } from "./support/baseline.ts";

function withDataProcessing(index: number, dataProcessing: Record<string, unknown>) {
  return linesAfter((raw) => {
    agentAt(raw, index).dataProcessing = dataProcessing;
  });
}

describe("dataProcessing keys and their environment variables", () => {
  it("camelCase and snake_case of one key are rejected, naming both keys and the variable", () => {
    const lines = withDataProcessing(0, { sourceTopic: "raw", batchSize: 100, batch_size: 200 });
    expect(lines).toEqual([
      'agents[0].dataProcessing.batch_size: "batch_size" becomes the environment variable DATA_CONFIG_BATCH_SIZE, ' +
        'as does "batchSize" (agents[0].dataProcessing.batchSize): the container would get the variable twice ' +
        "and only one value would count; rename or remove one of the keys",
    ]);
  });

  it.each([
    ["SourceTopic", "sourceTopic", "DATA_CONFIG_SOURCE_TOPIC"],
    ["BATCHSIZE", "batchsize", "DATA_CONFIG_BATCHSIZE"],
    ["maxRetries", "MAX_RETRIES", "DATA_CONFIG_MAX_RETRIES"],
  ])("%s and %s both become %s", (first, second, variable) => {
    const lines = withDataProcessing(1, { [first]: 1, [second]: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^agents\\[1\\]\\.dataProcessing\\.${second}: "${second}" `));
    expect(lines[0]).toContain(variable);
    expect(lines[0]).toContain(`"${first}"`);
  });

  it("three spellings of one key: each later one names the first", () => {
    const lines = withDataProcessing(2, { batchSize: 1, batch_size: 2, BATCH_SIZE: 3 });
    expect(lines.map((line) => line.slice(0, line.indexOf(":")))).toEqual([
      "agents[2].dataProcessing.batch_size",
      "agents[2].dataProcessing.BATCH_SIZE",
    ]);
    for (const line of lines) expect(line).toContain('as does "batchSize"');
  });

  it("distinct variables, and the same key on two agents, are fine", () => {
    expect(
      linesAfter((raw) => {
        agentAt(raw, 0).dataProcessing = { batchSize: 1, batchSizes: 2, batch_size_max: 3 };
        agentAt(raw, 1).dataProcessing = { batchSize: 1 };
      }),
    ).toEqual([]);
  });
});
