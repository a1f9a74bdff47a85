import { describe, expect, it } from "vitest";
import { formatVideo, NO_SEND_STATS, sendSample, sendStats } from "./stats";

const video = (timestamp: number, bytesSent: number, extra: Record<string, unknown> = {}) => ({
  type: "outbound-rtp",
  kind: "video",
  timestamp,
  bytesSent,
  ...extra,
});
const audio = (timestamp: number, bytesSent: number) => ({ type: "outbound-rtp", kind: "audio", timestamp, bytesSent });

describe("sendSample", () => {
  it("adds up audio and video bytes and reads the video's size and rate", () => {
    const report = [
      { type: "transport", timestamp: 1000, bytesSent: 999_999 },
      audio(1000, 4000),
      video(1000, 250_000, { frameWidth: 1280, frameHeight: 720, framesPerSecond: 30 }),
      { type: "remote-inbound-rtp", kind: "video", timestamp: 1000 },
    ];
    expect(sendSample(report)).toEqual({ timestamp: 1000, bytesSent: 254_000, width: 1280, height: 720, fps: 30 });
  });

  it("describes simulcast by its largest encoding", () => {
    const report = [
      video(1000, 10_000, { frameWidth: 320, frameHeight: 180, framesPerSecond: 15 }),
      video(1000, 90_000, { frameWidth: 1280, frameHeight: 720, framesPerSecond: 30 }),
    ];
    expect(sendSample(report)).toMatchObject({ bytesSent: 100_000, width: 1280, height: 720, fps: 30 });
  });

  it("has no video size before the first encoded frame, and no sample without outbound RTP", () => {
    expect(sendSample([video(5, 0), audio(5, 100)])).toEqual({ timestamp: 5, bytesSent: 100, width: null, height: null, fps: null });
    expect(sendSample([{ type: "candidate-pair", timestamp: 1 }, null, "x"])).toBeNull();
  });
});

describe("sendStats", () => {
  const at = (timestamp: number, bytesSent: number) => ({ timestamp, bytesSent, width: 1280, height: 720, fps: 29.97 });

  it("turns byte deltas into kb/s", () => {
    expect(sendStats(at(1000, 100_000), at(2000, 412_500))).toEqual({ bitrateKbps: 2500, width: 1280, height: 720, fps: 30 });
    expect(sendStats(at(1000, 0), at(1500, 62_500)).bitrateKbps).toBe(1000);
  });

  it("has no bit rate from a single sample, a reset counter or no elapsed time", () => {
    expect(sendStats(null, at(1000, 5000)).bitrateKbps).toBeNull();
    expect(sendStats(at(1000, 9000), at(2000, 100)).bitrateKbps).toBeNull();
    expect(sendStats(at(1000, 0), at(1000, 100)).bitrateKbps).toBeNull();
  });
});

describe("formatVideo", () => {
  it("shows size and frame rate when known", () => {
    expect(formatVideo({ bitrateKbps: 1, width: 1280, height: 720, fps: 30 })).toBe("1280×720 · 30 fps");
    expect(formatVideo({ bitrateKbps: 1, width: 640, height: 360, fps: null })).toBe("640×360");
    expect(formatVideo(NO_SEND_STATS)).toBe("—");
  });
});
