import { describe, expect, it } from "vitest";
import { ffmpegPublishCommand, srtPublishUrl } from "./publish-hint";

describe("srtPublishUrl", () => {
  it("uses the page's host and the SRT ingest port", () => {
    expect(srtPublishUrl("live.example.com")).toBe("srt://live.example.com:9000?streamid=<key>");
    expect(srtPublishUrl("127.0.0.1", "cam1")).toBe("srt://127.0.0.1:9000?streamid=cam1");
  });

  it("brackets IPv6 addresses", () => {
    expect(srtPublishUrl("::1")).toBe("srt://[::1]:9000?streamid=<key>");
    expect(srtPublishUrl("[::1]")).toBe("srt://[::1]:9000?streamid=<key>");
  });

  it("falls back to loopback without a host", () => {
    expect(srtPublishUrl("")).toBe("srt://127.0.0.1:9000?streamid=<key>");
  });
});

describe("ffmpegPublishCommand", () => {
  it("quotes the URL", () => {
    expect(ffmpegPublishCommand("srt://h:9000?streamid=k")).toContain('-f mpegts "srt://h:9000?streamid=k"');
  });
});
