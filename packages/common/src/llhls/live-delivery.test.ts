import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HttpError } from "../http-errors.js";
import { LiveDelivery, type DeliveryRendition, type DeliveryStream, type PartPosition } from "./live-delivery.js";
import { Waiters } from "./waiters.js";

/** One video rendition with 5 parts a segment; the test lists parts by hand. */
function fakeStream() {
  const state = { last: { msn: 10, part: 2 } as PartPosition | null, ended: false };
  const waiters = new Waiters();
  const rendition: DeliveryRendition = {
    kind: "video",
    lastPart: () => state.last,
    segmentComplete: (msn) => !!state.last && msn < state.last.msn,
    playlist: (skip) => (state.last ? `playlist ${state.last.msn}.${state.last.part}${skip ? " skip" : ""}` : null),
    init: (name) => (name === "init-1.mp4" ? Buffer.from("init") : undefined),
    part: (msn, part) => Promise.resolve(Buffer.from(`part ${msn}.${part}`)),
    segment: (msn) => Buffer.from(`segment ${msn}`),
  };
  const stream: DeliveryStream = {
    name: "s",
    get ended() {
      return state.ended;
    },
    ready: true,
    waiters,
    multivariant: () => "#EXTM3U\n",
    rendition: (name) => (name === "v" ? rendition : undefined),
  };
  const list = (msn: number, part: number) => {
    state.last = { msn, part };
    waiters.check();
  };
  return { state, stream, list };
}

const none = { msn: undefined, part: undefined, skip: undefined };

/** The HttpError a call throws or rejects with, as "status code". */
async function failure(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (error) {
    if (error instanceof HttpError) return `${error.status} ${error.code}`;
    throw error;
  }
  throw new Error("did not fail");
}

describe("LiveDelivery", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers a plain reload at once (no promise), uncacheable, and counts the viewer", () => {
    const { stream } = fakeStream();
    const delivery = new LiveDelivery({ stream: () => stream }, 1_000);
    const seen: string[] = [];
    const answer = delivery.mediaPlaylist("s", "v", none, (name) => seen.push(name));
    expect(answer).toEqual({ body: "playlist 10.2", contentType: "application/vnd.apple.mpegurl", cacheControl: "no-cache" });
    expect(seen).toEqual(["s"]);
  });

  it("refuses unknown names and bad directives, in that order", async () => {
    const { stream, state } = fakeStream();
    const delivery = new LiveDelivery({ stream: (name) => Promise.resolve(name === "s" ? stream : undefined) }, 1_000);
    expect(await failure(() => delivery.mediaPlaylist("x", "v", none))).toBe("404 no_such_stream");
    expect(await failure(() => delivery.mediaPlaylist("s", "x", { ...none, msn: "x" }))).toBe("404 no_such_rendition");
    expect(await failure(() => delivery.mediaPlaylist("s", "v", { ...none, msn: "x" }))).toBe("400 bad_msn");
    expect(await failure(() => delivery.mediaPlaylist("s", "v", { ...none, part: "1" }))).toBe("400 part_without_msn");
    expect(await failure(() => delivery.mediaPlaylist("s", "v", { ...none, msn: "10", skip: "NO" }))).toBe("400 bad_skip");
    expect(await failure(() => delivery.mediaPlaylist("s", "v", { ...none, msn: "13" }))).toBe("400 msn_too_far");
    expect(await failure(() => delivery.file("s", "v", "../x"))).toBe("400 bad_name");
    state.last = null;
    expect(await failure(() => delivery.mediaPlaylist("s", "v", none))).toBe("503 not_ready");
  });

  it("holds a blocking reload until its part is listed, then answers it cacheable", async () => {
    const { stream, list } = fakeStream();
    const delivery = new LiveDelivery({ stream: () => stream }, 1_000);
    expect(delivery.mediaPlaylist("s", "v", { msn: "10", part: "2", skip: "YES" })).toEqual({
      body: "playlist 10.2 skip",
      contentType: "application/vnd.apple.mpegurl",
      cacheControl: "public, max-age=6",
    });
    const held = delivery.mediaPlaylist("s", "v", { msn: "10", part: "3", skip: undefined });
    expect(held).toBeInstanceOf(Promise);
    list(10, 3);
    await expect(held).resolves.toMatchObject({ body: "playlist 10.3", cacheControl: "public, max-age=6" });
    // A segment asked for without a part: held until it is complete.
    const segment = delivery.mediaPlaylist("s", "v", { msn: "10", part: undefined, skip: undefined });
    list(10, 4);
    expect(stream.waiters.size).toBe(1);
    list(11, 0);
    await expect(segment).resolves.toMatchObject({ body: "playlist 11.0" });
  });

  it("answers 503 after three target durations when the part does not come", async () => {
    const { stream } = fakeStream();
    const delivery = new LiveDelivery({ stream: () => stream }, 2_000);
    const held = failure(() => delivery.mediaPlaylist("s", "v", { msn: "11", part: "0", skip: undefined }));
    await vi.advanceTimersByTimeAsync(5_999);
    expect(stream.waiters.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await held).toBe("503 not_yet_available");
  });

  it("holds the preload-hinted part, and finds listed parts, segments and init segments", async () => {
    const { stream, list } = fakeStream();
    const delivery = new LiveDelivery({ stream: () => stream }, 1_000);
    const hint = delivery.file("s", "v", "10.3.m4s");
    list(10, 3);
    await expect(hint).resolves.toEqual({ body: Buffer.from("part 10.3"), contentType: "video/mp4", cacheControl: "public, max-age=31536000, immutable" });
    await expect(delivery.file("s", "v", "9.4.m4s")).resolves.toMatchObject({ body: Buffer.from("part 9.4") });
    expect(delivery.file("s", "v", "9.m4s")).toMatchObject({ body: Buffer.from("segment 9") });
    expect(delivery.file("s", "v", "init-1.mp4")).toMatchObject({ body: Buffer.from("init") });
    // Too far ahead to be the hint, an open segment, a missing init: 404 at once.
    expect(await failure(() => delivery.file("s", "v", "12.0.m4s"))).toBe("404 not_found");
    expect(await failure(() => delivery.file("s", "v", "10.m4s"))).toBe("404 not_found");
    expect(await failure(() => delivery.file("s", "v", "init-2.mp4"))).toBe("404 not_found");
  });

  it("releases everything held when the stream ends, cacheable for a minute", async () => {
    const { stream, state } = fakeStream();
    const delivery = new LiveDelivery({ stream: () => stream }, 1_000);
    const held = delivery.mediaPlaylist("s", "v", { msn: "11", part: "0", skip: undefined });
    const hint = failure(() => delivery.file("s", "v", "11.0.m4s"));
    state.ended = true;
    stream.waiters.check();
    await expect(held).resolves.toMatchObject({ body: "playlist 10.2", cacheControl: "public, max-age=60" });
    expect(await hint).toBe("404 not_found");
  });
});
