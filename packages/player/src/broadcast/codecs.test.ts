import { describe, expect, it } from "vitest";
import { preferredVideoCodecs, type CodecInfo } from "./codecs";

const h264 = (mode: number, profile: string): CodecInfo => ({
  mimeType: "video/H264",
  sdpFmtpLine: `level-asymmetry-allowed=1;packetization-mode=${mode};profile-level-id=${profile}`,
});

/** What Chromium's RTCRtpSender.getCapabilities("video") lists, in its order. */
const chromium: CodecInfo[] = [
  { mimeType: "video/VP8" },
  { mimeType: "video/rtx" },
  h264(1, "42001f"),
  h264(0, "42001f"),
  h264(1, "42e01f"),
  h264(0, "42e01f"),
  h264(1, "4d001f"),
  h264(0, "4d001f"),
  { mimeType: "video/AV1", sdpFmtpLine: "level-idx=5;profile=0;tier=0" },
  { mimeType: "video/VP9", sdpFmtpLine: "profile-id=0" },
  { mimeType: "video/red" },
  { mimeType: "video/ulpfec" },
];

const label = (codec: CodecInfo): string => `${codec.mimeType} ${/profile-level-id=(\w+)/.exec(codec.sdpFmtpLine ?? "")?.[1] ?? ""}`.trim();

describe("preferredVideoCodecs", () => {
  it("puts H.264 mode 1 first, Constrained Baseline ahead, then VP8 and the resilience entries", () => {
    expect(preferredVideoCodecs(chromium).map(label)).toEqual([
      "video/H264 42e01f",
      "video/H264 42001f",
      "video/H264 4d001f",
      "video/VP8",
      "video/rtx",
      "video/red",
      "video/ulpfec",
    ]);
  });

  it("keeps the objects the browser gave (setCodecPreferences wants its own entries)", () => {
    expect(preferredVideoCodecs(chromium)[0]).toBe(chromium[4]);
  });

  it("falls back to VP8 when the browser cannot send H.264", () => {
    const noH264 = chromium.filter((codec) => codec.mimeType !== "video/H264");
    expect(preferredVideoCodecs(noH264).map(label)).toEqual(["video/VP8", "video/rtx", "video/red", "video/ulpfec"]);
  });

  it("recognises Constrained Baseline by its constraint flag, in any case", () => {
    const bare = { mimeType: "video/h264", sdpFmtpLine: "packetization-mode=1" };
    const ordered = preferredVideoCodecs([h264(1, "640c1f"), h264(1, "42C01F"), bare]);
    expect(ordered.map(label)).toEqual(["video/H264 42C01F", "video/H264 640c1f", "video/h264"]);
  });

  it("leaves the browser's defaults alone without H.264 or VP8", () => {
    expect(preferredVideoCodecs([{ mimeType: "video/VP9" }, { mimeType: "video/rtx" }])).toEqual([]);
    expect(preferredVideoCodecs([h264(0, "42e01f")])).toEqual([]);
  });
});
