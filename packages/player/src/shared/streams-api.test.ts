import { describe, expect, it } from "vitest";
import { formatSince, MAX_LISTED_STREAMS, parseStreamList, sortStreams, type StreamSummary } from "./streams-api";

describe("parseStreamList", () => {
  it("reads the edge's stream list", () => {
    const body = {
      streams: [
        { name: "demo", state: "live", renditions: ["720p", "480p", "360p", "audio"], viewers: 3, startedAt: "2025-01-02T03:04:05.000Z" },
      ],
    };
    expect(parseStreamList(body)).toEqual([
      { name: "demo", state: "live", renditions: ["720p", "480p", "360p", "audio"], viewers: 3, startedAt: Date.UTC(2025, 0, 2, 3, 4, 5) },
    ]);
  });

  it("skips entries that do not fit and fills in missing details", () => {
    const body = {
      streams: [
        null,
        { name: "Bad Name", state: "live" },
        { name: "x", state: "paused" },
        { name: "cam", state: "reconnecting", renditions: "720p", viewers: -1, startedAt: "yesterday" },
      ],
    };
    expect(parseStreamList(body)).toEqual([{ name: "cam", state: "reconnecting", renditions: [], viewers: 0, startedAt: null }]);
  });

  it("rejects a body without a stream array", () => {
    expect(() => parseStreamList({ error: { code: "x", message: "y" } })).toThrow(/streams/);
    expect(() => parseStreamList(null)).toThrow();
    expect(() => parseStreamList([])).toThrow();
  });

  it("bounds the number of streams", () => {
    const streams = Array.from({ length: MAX_LISTED_STREAMS + 10 }, (_, i) => ({ name: `s${i}`, state: "live" }));
    expect(parseStreamList({ streams })).toHaveLength(MAX_LISTED_STREAMS);
  });
});

describe("sortStreams", () => {
  const s = (name: string, state: StreamSummary["state"], viewers: number): StreamSummary => ({
    name,
    state,
    viewers,
    renditions: [],
    startedAt: null,
  });

  it("puts live and busy streams first", () => {
    const sorted = sortStreams([s("old", "ended", 50), s("b", "live", 1), s("a", "live", 1), s("hot", "live", 9), s("r", "reconnecting", 99)]);
    expect(sorted.map((x) => x.name)).toEqual(["hot", "a", "b", "r", "old"]);
  });
});

describe("formatSince", () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it("rounds down to minutes, hours and days", () => {
    expect(formatSince(null, now)).toBeNull();
    expect(formatSince(now - 30_000, now)).toBe("just now");
    expect(formatSince(now + 5000, now)).toBe("just now");
    expect(formatSince(now - 5 * 60_000, now)).toBe("5 min");
    expect(formatSince(now - 120 * 60_000, now)).toBe("2 h");
    expect(formatSince(now - 125 * 60_000, now)).toBe("2 h 5 min");
    expect(formatSince(now - 3 * 86_400_000, now)).toBe("3 d");
  });
});
