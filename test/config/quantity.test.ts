import { describe, expect, it } from "vitest";
import { formatBytes, formatCpu, parseBytes, parseCpu, parseDuration } from "../../src/config/index.ts";

describe("Kubernetes quantities", () => {
  it.each([
    ["2", 2000],
    ["500m", 500],
    ["0.25", 250],
    [1.5, 1500],
  ])("parses CPU %s as %i millicores", (text, millicores) => {
    expect(parseCpu(text)).toBe(millicores);
  });

  it.each(["lots", "2 cores", "-1", "1.5m", "", "2Gi"])("rejects CPU %j", (text) => {
    expect(parseCpu(text)).toBeUndefined();
  });

  it.each([
    ["4Gi", 4 * 2 ** 30],
    ["512Mi", 512 * 2 ** 20],
    ["1G", 1e9],
    ["100", 100],
    ["1e3", 1000],
    ["5Ti", 5 * 2 ** 40],
  ])("parses bytes %s", (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(["4GB", "four", "4 Gi", "Gi"])("rejects bytes %j", (text) => {
    expect(parseBytes(text)).toBeUndefined();
  });

  it("formats derived quantities canonically, rounding memory down to whole MiB", () => {
    expect(formatCpu(1000)).toBe("1");
    expect(formatCpu(250)).toBe("250m");
    expect(formatBytes(2 ** 30)).toBe("1Gi");
    expect(formatBytes(0.8 * 4 * 2 ** 30)).toBe("3276Mi");
    expect(formatBytes(50 * 2 ** 30)).toBe("50Gi");
  });

  it("parses Prometheus durations and rejects zero or malformed ones", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("30d")).toBe(30 * 86400);
    expect(parseDuration("0s")).toBeUndefined();
    expect(parseDuration("5 minutes")).toBeUndefined();
    expect(parseDuration("m5")).toBeUndefined();
  });
});
