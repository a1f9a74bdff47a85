import { describe, expect, it } from "vitest";
import { figureTable, formatNumber } from "./figure-table.js";

describe("formatNumber", () => {
  it("keeps 3 significant digits and reads as a plain number", () => {
    expect(formatNumber(2.5)).toBe("2.5");
    expect(formatNumber(0.123456)).toBe("0.123");
    expect(formatNumber(12.3456)).toBe("12.3");
    expect(formatNumber(999.6)).toBe("1000");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(-0.5)).toBe("-0.5");
  });

  it("groups large values and shows tiny ones in exponent form", () => {
    expect(formatNumber(1234567.8)).toBe("1,234,568");
    expect(formatNumber(0.00012)).toBe("1.20e-4");
  });

  it("says n/a for what was not measured", () => {
    expect(formatNumber(NaN)).toBe("n/a");
    expect(formatNumber(Infinity)).toBe("n/a");
  });
});

describe("figureTable", () => {
  it("renders value, baseline, ratio and goal columns", () => {
    const table = figureTable([
      {
        label: "throughput",
        value: 1.2345,
        unit: "GB/s",
        baseline: { label: "memcpy", value: 9.87 },
        ratio: 0.125,
        goal: { text: "≥ 1 GB/s", met: true },
      },
      { label: "p95 | tail", value: 3, unit: "ms", goal: { text: "≤ 2 ms", met: false } },
      { label: "plain", value: NaN, unit: "" },
    ]);
    expect(table.split("\n")).toEqual([
      "| figure | value | unit | baseline (same run) | ratio | goal | met? |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      "| throughput | 1.23 | GB/s | memcpy: 9.87 | 0.125 | ≥ 1 GB/s | yes |",
      "| p95 \\| tail | 3 | ms |  |  | ≤ 2 ms | **no** |",
      "| plain | n/a |  |  |  |  |  |",
    ]);
  });

  it("says so when there is nothing to show", () => {
    expect(figureTable([])).toBe("_No figures were produced._");
  });
});
