import { ConfigError } from "@tributary/common";
import { describe, expect, it } from "vitest";
import { loadEdgeConfig, parseStreamKeys } from "./config.js";

describe("edge configuration", () => {
  it("has documented defaults", () => {
    const c = loadEdgeConfig({});
    expect(c.port).toBe(8080);
    expect(c.srt.port).toBe(9000);
    expect(c.streamKeys).toEqual([]);
    expect(c.whip).toMatchObject({ ports: { min: 40000, max: 40999 }, maxSessions: 16, listenIp: "127.0.0.1" });
    expect(c.whip.workers).toBeGreaterThanOrEqual(1);
  });

  it.each(["40000", "900-1000", "5000-4000", "40000-70000"])("rejects WEBRTC_PORTS=%s naming the variable", (value) => {
    expect(() => loadEdgeConfig({ WEBRTC_PORTS: value })).toThrow("WEBRTC_PORTS");
  });

  it("reads stream keys as key=stream pairs", () => {
    expect(parseStreamKeys("secret-key-1=demo, other-key-2=news")).toEqual([
      { key: "secret-key-1", stream: "demo" },
      { key: "other-key-2", stream: "news" },
    ]);
  });

  it.each(["short=demo", "long-enough-key=Bad.Name", "long-enough-key", "a-long-key-1=x,a-long-key-1=y"])(
    "rejects STREAM_KEYS=%s naming the variable",
    (value) => {
      expect(() => loadEdgeConfig({ STREAM_KEYS: value })).toThrow(ConfigError);
      expect(() => loadEdgeConfig({ STREAM_KEYS: value })).toThrow("STREAM_KEYS");
    },
  );
});
