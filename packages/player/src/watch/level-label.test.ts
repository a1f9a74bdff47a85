import { describe, expect, it } from "vitest";
import { levelLabel, menuOrder, shortLevelLabel, type LevelInfo } from "./level-label";

function level(index: number, height: number, bitrate: number, videoCodec = "avc1.64001f"): LevelInfo {
  return { index, height, width: Math.round((height * 16) / 9), bitrate, videoCodec };
}

const ladder = [level(0, 360, 900_000), level(1, 720, 2_900_000), level(2, 480, 1_500_000)];

describe("levelLabel", () => {
  it("names a level by its height", () => {
    expect(ladder.map((l) => levelLabel(l, ladder))).toEqual(["360p", "720p", "480p"]);
  });

  it("adds the bit rate when heights repeat", () => {
    const twins = [level(0, 720, 2_800_000), level(1, 720, 4_500_000)];
    expect(levelLabel(twins[0]!, twins)).toBe("720p · 2.8 Mb/s");
    expect(levelLabel(twins[1]!, twins)).toBe("720p · 4.5 Mb/s");
  });

  it("names audio-only variants", () => {
    const audio = { index: 3, height: 0, width: 0, bitrate: 128_000, videoCodec: "" };
    expect(levelLabel(audio, [...ladder, audio])).toBe("Audio only");
    expect(shortLevelLabel(audio)).toBe("audio");
  });

  it("falls back to the bit rate for video without a resolution", () => {
    const unknown = { index: 0, height: 0, width: 0, bitrate: 1_400_000, videoCodec: "avc1.4d401e" };
    expect(levelLabel(unknown, [unknown])).toBe("1.4 Mb/s");
  });
});

describe("shortLevelLabel", () => {
  it("gives the height or null", () => {
    expect(shortLevelLabel(ladder[1])).toBe("720p");
    expect(shortLevelLabel(undefined)).toBeNull();
  });
});

describe("menuOrder", () => {
  it("lists the highest quality first without changing the input", () => {
    expect(menuOrder(ladder).map((l) => l.index)).toEqual([1, 2, 0]);
    expect(ladder.map((l) => l.index)).toEqual([0, 1, 2]);
  });
});
