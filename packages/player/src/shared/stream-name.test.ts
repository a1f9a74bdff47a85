import { describe, expect, it } from "vitest";
import { isStreamName, manifestPath, streamNameFromLocation, watchPath } from "./stream-name";

describe("streamNameFromLocation", () => {
  it("reads the name from /watch/{stream}", () => {
    expect(streamNameFromLocation("/watch/demo", "")).toBe("demo");
    expect(streamNameFromLocation("/watch/my_stream-2/", "")).toBe("my_stream-2");
  });

  it("falls back to ?stream= for local development", () => {
    expect(streamNameFromLocation("/watch.html", "?stream=demo")).toBe("demo");
    expect(streamNameFromLocation("/", "?foo=1&stream=cam-1")).toBe("cam-1");
  });

  it("prefers the path over the query", () => {
    expect(streamNameFromLocation("/watch/a", "?stream=b")).toBe("a");
  });

  it("rejects names the cluster would not accept", () => {
    expect(streamNameFromLocation("/watch/Demo", "")).toBeNull();
    expect(streamNameFromLocation("/watch/a.b", "")).toBeNull();
    expect(streamNameFromLocation("/watch/a/b", "")).toBeNull();
    expect(streamNameFromLocation("/watch/%E0%A4%A", "")).toBeNull();
    expect(streamNameFromLocation("/watch/", "")).toBeNull();
    expect(streamNameFromLocation("/watch.html", "")).toBeNull();
    expect(streamNameFromLocation("/watch.html", "?stream=-x")).toBeNull();
    expect(streamNameFromLocation("/watch.html", `?stream=${"a".repeat(65)}`)).toBeNull();
  });
});

describe("stream paths", () => {
  it("builds watch and manifest paths", () => {
    expect(watchPath("demo")).toBe("/watch/demo");
    expect(manifestPath("cam_1")).toBe("/live/cam_1/index.m3u8");
  });

  it("accepts 1 to 64 characters", () => {
    expect(isStreamName("a")).toBe(true);
    expect(isStreamName("a".repeat(64))).toBe(true);
    expect(isStreamName("")).toBe(false);
  });
});
