import { ConfigError } from "@tributary/common";
import { describe, expect, it } from "vitest";
import { loadOriginConfig } from "./config.js";

describe("origin configuration", () => {
  it("has documented defaults: 200 ms parts, 1 s segments, a four-rung ladder", () => {
    const c = loadOriginConfig({});
    expect(c.partTargetMs).toBe(200);
    expect(c.segmentTargetMs).toBe(1000);
    expect(c.ladder.map((r) => r.name)).toEqual(["1080p", "720p", "480p", "360p"]);
    expect(c.natsUrl).toBeUndefined();
  });

  it.each([
    ["PART_TARGET_MS", "abc"],
    ["PART_TARGET_MS", "10"],
    ["ORIGIN_PORT", "70000"],
    ["LADDER", "720p:720"],
    ["LADDER", "a:720:100,a:480:50"],
    ["X264_PRESET", "placebo"],
    ["CONTRIBUTION_PORTS", "9000-8000"],
    ["ORIGIN_PUBLIC_URL", "not a url"],
  ])("rejects %s=%s with a message naming the variable", (name, value) => {
    expect(() => loadOriginConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadOriginConfig({ [name]: value })).toThrow(name);
  });
});
