import { describe, expect, it } from "vitest";
import { SourceProbe } from "./source-probe.js";

const feed = (lines: string[]) => {
  const probe = new SourceProbe();
  return lines.map((l) => probe.line(l)).find((r) => r !== undefined);
};

describe("source probe", () => {
  it("reads size, frame rate and audio from FFmpeg's input block", () => {
    expect(
      feed([
        "Input #0, mpegts, from 'pipe:0':",
        "  Duration: N/A, start: 1.400000, bitrate: N/A",
        "  Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 29.97 fps, 29.97 tbr, 90k tbn",
        "  Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, stereo, fltp, 128 kb/s",
        "Output #0, mpegts, to 'pipe:1':",
      ]),
    ).toEqual({ width: 1280, height: 720, frameRate: 29.97, hasAudio: true });
  });

  it("reports an input without video", () => {
    expect(feed(["Input #0, mpegts, from 'x':", "  Stream #0:0[0x101]: Audio: aac (LC), 48000 Hz", "Stream mapping:"])).toBe("no-video");
  });
});
