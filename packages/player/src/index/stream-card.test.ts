import { describe, expect, it } from "vitest";
import { formatViewers, hueForName } from "./stream-card";

describe("hueForName", () => {
  it("is stable and within the colour wheel", () => {
    expect(hueForName("demo")).toBe(hueForName("demo"));
    for (const name of ["a", "demo", "cam-1", "x".repeat(64)]) {
      const hue = hueForName(name);
      expect(Number.isInteger(hue)).toBe(true);
      expect(hue).toBeGreaterThanOrEqual(0);
      expect(hue).toBeLessThan(360);
    }
  });

  it("tells similar names apart", () => {
    expect(hueForName("cam-1")).not.toBe(hueForName("cam-2"));
  });
});

describe("formatViewers", () => {
  it("counts viewers", () => {
    expect(formatViewers(0)).toBe("0 viewers");
    expect(formatViewers(1)).toBe("1 viewer");
    expect(formatViewers(12345)).toBe("12,345 viewers");
  });
});
