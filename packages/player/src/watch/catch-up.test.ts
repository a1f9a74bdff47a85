import { describe, expect, it } from "vitest";
import { bufferedAhead, catchUpRate, MAX_CATCH_UP_RATE } from "./catch-up";

const base = { latency: 1.4, target: 0.9, forwardBuffer: 1, paused: false };

describe("catchUpRate", () => {
  it("plays faster the further behind the target, in two steps", () => {
    expect(catchUpRate({ ...base, latency: 0.95 })).toBe(1);
    expect(catchUpRate({ ...base, latency: 1.2 })).toBe(1.05);
    expect(catchUpRate({ ...base, latency: 1.6 })).toBe(MAX_CATCH_UP_RATE);
  });

  it("holds normal speed without a cushion, when paused, or when unknown", () => {
    expect(catchUpRate({ ...base, forwardBuffer: 0.3 })).toBe(1);
    expect(catchUpRate({ ...base, paused: true })).toBe(1);
    expect(catchUpRate({ ...base, latency: null })).toBe(1);
    expect(catchUpRate({ ...base, target: null })).toBe(1);
  });

  it("leaves playback far behind to hls.js's jump to live", () => {
    expect(catchUpRate({ ...base, latency: 5 })).toBe(1);
  });

  it("never slows down below real time", () => {
    expect(catchUpRate({ ...base, latency: 0.2 })).toBe(1);
  });
});

describe("bufferedAhead", () => {
  it("measures the range around the playhead", () => {
    expect(bufferedAhead([[0, 4], [5, 9]], 6)).toBe(3);
    expect(bufferedAhead([[0, 4]], 4)).toBe(0);
    expect(bufferedAhead([[1, 4]], 0.98)).toBeCloseTo(3.02);
  });

  it("is zero in a gap or with nothing buffered", () => {
    expect(bufferedAhead([[0, 4], [5, 9]], 4.5)).toBe(0);
    expect(bufferedAhead([], 1)).toBe(0);
  });
});
