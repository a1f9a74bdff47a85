import { describe, expect, it } from "vitest";
import { readoutParts, readoutText } from "./latency-readout";

describe("readoutText", () => {
  it("shows latency and level", () => {
    expect(readoutText({ latency: 0.94, level: "720p", playbackRate: 1 })).toBe("0.9 s · 720p");
  });

  it("shows the catch-up rate while it applies", () => {
    expect(readoutText({ latency: 1.8, level: "480p", playbackRate: 1.15 })).toBe("1.8 s · 480p · 1.15×");
  });

  it("shows a dash while unknown", () => {
    expect(readoutText({ latency: null, level: null, playbackRate: 1 })).toBe("—");
    expect(readoutText({ latency: null, level: null, playbackRate: 1.1 })).toBe("—");
  });
});

describe("readoutParts", () => {
  it("splits latency, level and rate", () => {
    expect(readoutParts({ latency: 1.2, level: "360p", playbackRate: 1.1 })).toEqual({ latency: "1.2 s", level: "360p", rate: "1.10×" });
    expect(readoutParts({ latency: 0.8, level: null, playbackRate: 1 })).toEqual({ latency: "0.8 s", level: null, rate: null });
  });
});
