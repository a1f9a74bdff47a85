import { describe, expect, it } from "vitest";
import { parseLadder, planLadder } from "./ladder.js";

const ladder = parseLadder("1080p:1080:5000,720p:720:2800,480p:480:1400,360p:360:800", "LADDER");

describe("ladder planning", () => {
  it.each([
    [{ width: 1920, height: 1080 }, ["1920x1080", "1280x720", "854x480", "640x360"]],
    [{ width: 1280, height: 720 }, ["1280x720", "854x480", "640x360"]],
    [{ width: 854, height: 480 }, ["854x480", "640x360"]],
    [{ width: 720, height: 576 }, ["600x480", "450x360"]],
    [{ width: 320, height: 180 }, ["320x180"]],
  ])("never upscales a %o source", (size, expected) => {
    const plan = planLadder(ladder, { ...size, frameRate: 30, hasAudio: true }, 30);
    expect(plan.map((r) => `${r.width}x${r.height}`)).toEqual(expected);
    for (const r of plan) expect(r.width % 2 + (r.height % 2)).toBe(0);
  });

  it("caps the frame rate and keeps lower source rates", () => {
    expect(planLadder(ladder, { width: 1280, height: 720, frameRate: 60, hasAudio: false }, 30)[0]!.frameRate).toBe(30);
    expect(planLadder(ladder, { width: 1280, height: 720, frameRate: 25, hasAudio: false }, 30)[0]!.frameRate).toBe(25);
  });
});
