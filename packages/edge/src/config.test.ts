import { ConfigError } from "@tributary/common";
import { describe, expect, it } from "vitest";
import { loadEdgeConfig, parseStreamKeys } from "./config.js";

describe("edge configuration", () => {
  it("has documented defaults", () => {
    const c = loadEdgeConfig({});
    expect(c.port).toBe(8080);
    expect(c.srt.port).toBe(9000);
    expect(c.streamKeys).toEqual([]);
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
