import { describe, expect, it } from "vitest";
import { DEFAULT_TUNING, formatLatency, liveTuning } from "./latency";

describe("formatLatency", () => {
  it("shows seconds with one decimal", () => {
    expect(formatLatency(0.94)).toBe("0.9 s");
    expect(formatLatency(0.95)).toBe("1.0 s");
    expect(formatLatency(1)).toBe("1.0 s");
    expect(formatLatency(12.345)).toBe("12.3 s");
    expect(formatLatency(0)).toBe("0.0 s");
  });

  it("shows a dash while unknown", () => {
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(Number.NaN)).toBe("—");
    expect(formatLatency(Number.POSITIVE_INFINITY)).toBe("—");
    expect(formatLatency(-0.2)).toBe("—");
  });
});

describe("liveTuning", () => {
  it("aims one part beyond PART-HOLD-BACK with 200 ms parts", () => {
    expect(liveTuning(0.2, 0.6, 1)).toEqual({ targetLatency: 0.8, maxLatency: 2.3 });
    expect(DEFAULT_TUNING).toEqual({ targetLatency: 0.8, maxLatency: 2.3 });
  });

  it("follows shorter and longer parts", () => {
    expect(liveTuning(0.1, 0.3, 1).targetLatency).toBe(0.4);
    expect(liveTuning(0.5, 1.5, 2)).toEqual({ targetLatency: 2, maxLatency: 5 });
  });

  it("never aims closer than three parts or the playlist's hold-back", () => {
    expect(liveTuning(0.2, 0.2, 1).targetLatency).toBe(0.8);
    expect(liveTuning(0.2, 1.2, 1).targetLatency).toBe(1.4);
  });

  it("jumps back just beyond the range where hls.js catches up by playing faster", () => {
    for (const [part, segment] of [[0.05, 1], [0.1, 1], [0.2, 1], [0.333, 2], [1, 4], [2, 6]] as const) {
      const tuning = liveTuning(part, 0, segment);
      expect(tuning.maxLatency).toBeGreaterThanOrEqual(tuning.targetLatency + Math.max(segment, 1));
      expect(tuning.maxLatency).toBeLessThanOrEqual(tuning.targetLatency + 1.5 * segment + 1);
    }
  });

  it("falls back to 200 ms parts when the playlist has none", () => {
    expect(liveTuning(0, 0, 1)).toEqual(DEFAULT_TUNING);
  });
});
