import { describe, expect, it } from "vitest";
import type { LevelInfo } from "./level-label";
import { autoLabel } from "./quality-menu";

const levels: LevelInfo[] = [
  { index: 0, height: 720, width: 1280, bitrate: 2_800_000, videoCodec: "avc1.64001f" },
  { index: 1, height: 360, width: 640, bitrate: 800_000, videoCodec: "avc1.64001e" },
];

describe("autoLabel", () => {
  it("shows the level Auto is playing", () => {
    expect(autoLabel({ levels, autoLevel: true, currentLevel: 1 })).toBe("Auto · 360p");
  });

  it("is plain Auto before a level plays or when a level is picked by hand", () => {
    expect(autoLabel({ levels, autoLevel: true, currentLevel: -1 })).toBe("Auto");
    expect(autoLabel({ levels, autoLevel: false, currentLevel: 0 })).toBe("Auto");
    expect(autoLabel({ levels: [], autoLevel: true, currentLevel: -1 })).toBe("Auto");
  });
});
