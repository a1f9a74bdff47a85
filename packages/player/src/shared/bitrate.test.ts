import { describe, expect, it } from "vitest";
import { formatBitrate } from "./bitrate";

describe("formatBitrate", () => {
  it("uses kb/s below a megabit", () => {
    expect(formatBitrate(128_000)).toBe("128 kb/s");
    expect(formatBitrate(2_800_000)).toBe("2.8 Mb/s");
  });
});
