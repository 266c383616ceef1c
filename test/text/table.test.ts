import { describe, expect, it } from "vitest";
import { table } from "../../src/text/table.ts";

describe("table", () => {
  it("pads columns to the widest cell, rules the header and trims line ends", () => {
    expect(
      table(
        ["agent", "phase"],
        [
          ["ingest", "Healthy"],
          ["e", ""],
        ],
      ),
    ).toBe(["agent   phase", "------  -------", "ingest  Healthy", "e"].join("\n"));
  });
});
