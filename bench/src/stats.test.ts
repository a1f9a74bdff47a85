import { describe, expect, it } from "vitest";
import { mean, median, percentile, summarize } from "./stats.js";

describe("stats", () => {
  it("interpolates percentiles between closest ranks", () => {
    const values = [10, 1, 4, 3, 2];
    expect(median(values)).toBe(3);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 95)).toBeCloseTo(8.8);
    expect(percentile([1, 2], 50)).toBe(1.5);
  });

  it("ignores non-finite values and answers NaN for none", () => {
    expect(median([NaN, 5, Infinity])).toBe(5);
    expect(median([])).toBeNaN();
    expect(mean([2, 4, NaN])).toBe(3);
    expect(summarize([]).count).toBe(0);
  });

  it("summarizes", () => {
    const s = summarize(Array.from({ length: 101 }, (_, i) => i));
    expect(s).toEqual({ count: 101, min: 0, median: 50, p95: 95, p99: 99, max: 100 });
  });
});
