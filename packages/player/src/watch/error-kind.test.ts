import { describe, expect, it } from "vitest";
import { classifyError, type ErrorFacts, type PlaybackHistory } from "./error-kind";

const fresh: PlaybackHistory = { manifestParsed: false, everPlayed: false };
const parsed: PlaybackHistory = { manifestParsed: true, everPlayed: false };
const played: PlaybackHistory = { manifestParsed: true, everPlayed: true };

function fatal(type: string, details: string, httpStatus?: number): ErrorFacts {
  return { fatal: true, type, details, httpStatus };
}

describe("classifyError", () => {
  it("leaves non-fatal errors to hls.js", () => {
    expect(classifyError({ fatal: false, type: "networkError", details: "fragLoadError" }, played)).toBe("ignore");
    expect(classifyError({ fatal: false, type: "mediaError", details: "bufferStalledError" }, played)).toBe("ignore");
  });

  it("calls a stream offline when the manifest answers 404 or 503", () => {
    expect(classifyError(fatal("networkError", "manifestLoadError", 404), fresh)).toBe("offline");
    expect(classifyError(fatal("networkError", "manifestLoadError", 503), played)).toBe("offline");
  });

  it("is offline when nothing answers before playback, reconnecting after", () => {
    expect(classifyError(fatal("networkError", "manifestLoadError", 0), fresh)).toBe("offline");
    expect(classifyError(fatal("networkError", "manifestLoadTimeOut"), fresh)).toBe("offline");
    expect(classifyError(fatal("networkError", "manifestLoadError", 0), played)).toBe("reconnecting");
    expect(classifyError(fatal("networkError", "manifestLoadError", 500), played)).toBe("reconnecting");
  });

  it("reconnects when playlists or parts fail on a stream that exists", () => {
    expect(classifyError(fatal("networkError", "levelLoadError", 503), parsed)).toBe("reconnecting");
    expect(classifyError(fatal("networkError", "fragLoadError", 404), played)).toBe("reconnecting");
    expect(classifyError(fatal("networkError", "levelLoadTimeOut"), played)).toBe("reconnecting");
    expect(classifyError(fatal("networkError", "levelLoadError", 404), fresh)).toBe("offline");
  });

  it("recovers media errors in place", () => {
    expect(classifyError(fatal("mediaError", "bufferAppendError"), played)).toBe("media");
    expect(classifyError(fatal("mediaError", "fragParsingError"), parsed)).toBe("media");
  });

  it("does not retry codecs the browser cannot decode", () => {
    expect(classifyError(fatal("mediaError", "manifestIncompatibleCodecsError"), parsed)).toBe("unsupported");
  });

  it("restarts on anything else fatal", () => {
    expect(classifyError(fatal("muxError", "fragParsingError"), played)).toBe("reconnecting");
    expect(classifyError(fatal("otherError", "internalException"), fresh)).toBe("reconnecting");
  });
});
