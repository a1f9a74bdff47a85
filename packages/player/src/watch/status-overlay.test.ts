import { describe, expect, it } from "vitest";
import type { PlayerStatus } from "./player";
import { overlayContent } from "./status-overlay";

const base: PlayerStatus = { state: "loading", message: null, retryAt: null, needsGesture: false, waitingSince: null };

describe("overlayContent", () => {
  it("hides everything while playing smoothly", () => {
    const content = overlayContent({ ...base, state: "playing" }, 1000);
    expect(content.card).toBe(false);
    expect(content.spinner).toBe(false);
  });

  it("shows a bare spinner once playback has waited half a second", () => {
    expect(overlayContent({ ...base, state: "playing", waitingSince: 800 }, 1000).spinner).toBe(false);
    const content = overlayContent({ ...base, state: "playing", waitingSince: 400 }, 1000);
    expect(content.spinner).toBe(true);
    expect(content.card).toBe(false);
  });

  it("says the stream is offline and when it checks again", () => {
    const content = overlayContent({ ...base, state: "offline", retryAt: 3500 }, 1000);
    expect(content.title).toBe("Offline — waiting for the stream");
    expect(content.detail).toBe("Playback starts as soon as the stream goes live. Checking again in 3\u00a0s.");
    expect(content.listLink).toBe(true);
  });

  it("passes on the edge's message", () => {
    const content = overlayContent({ ...base, state: "offline", message: "stream demo is not live" }, 0);
    expect(content.detail).toBe("stream demo is not live. Checking now…");
  });

  it("shows reconnecting with a spinner", () => {
    const content = overlayContent({ ...base, state: "reconnecting", retryAt: 1200 }, 1000);
    expect(content).toMatchObject({ card: true, spinner: true, title: "Reconnecting…", detail: "Checking again in 1\u00a0s." });
  });

  it("says the stream ended", () => {
    expect(overlayContent({ ...base, state: "ended", retryAt: 60_000 }, 0)).toMatchObject({
      card: true,
      spinner: false,
      title: "Stream ended",
    });
  });

  it("asks for a tap when autoplay was refused", () => {
    expect(overlayContent({ ...base, needsGesture: true }, 0)).toMatchObject({ card: true, playButton: true });
    expect(overlayContent({ ...base, state: "offline", needsGesture: true }, 0).playButton).toBe(false);
  });
});
