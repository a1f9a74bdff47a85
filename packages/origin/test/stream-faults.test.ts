import { waitFor } from "@tributary/common";
import { lastPart, parseMediaPlaylist, startPublisher, stopProcess, type ParsedMediaPlaylist } from "@tributary/testing";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, startOrigin, waitForPlaylist, type OriginFixture } from "./origin-fixture.js";

// Small pictures keep two streams and their ladders inside two cores.
const ENV = { LADDER: "240p:240:300,160p:160:150", CONTRIBUTION_PORTS: "17200-17209", RECONNECT_WINDOW_MS: "8000" };
let fx: OriginFixture;
const publishers: ChildProcess[] = [];

beforeAll(async () => {
  fx = await startOrigin(ENV);
});

afterAll(async () => {
  await Promise.all(publishers.map((p) => stopProcess(p)));
  await fx?.close();
});

async function playlist(stream: string): Promise<ParsedMediaPlaylist> {
  return parseMediaPlaylist(await waitForPlaylist(`${fx.base}/live/${stream}/240p/index.m3u8`));
}

async function publish(stream: string): Promise<ChildProcess> {
  const response = await fetch(`${fx.base}/api/v1/streams/${stream}/contribution`, { method: "POST" });
  expect(response.status).toBe(201);
  const { url } = (await response.json()) as { url: string };
  const publisher = startPublisher(url, { width: 426, height: 240 });
  publishers.push(publisher);
  return publisher;
}

const position = (pl: ParsedMediaPlaylist) => {
  const p = lastPart(pl)!;
  return p.msn * 1000 + p.part;
};

describe("stream faults", () => {
  it("restarts a killed transcoder with a discontinuity while another stream plays on", async () => {
    await publish("victim");
    await publish("bystander");
    await waitForPlaylist(`${fx.base}/live/victim/240p/index.m3u8`, (t) => t.includes("#EXTINF"));
    await waitForPlaylist(`${fx.base}/live/bystander/240p/index.m3u8`, (t) => t.includes("#EXTINF"));
    const before = await playlist("bystander");

    const victim = fx.origin.registry.get("victim")!;
    const pid = victim.transcoderPid!;
    process.kill(pid, "SIGKILL");

    const resumed = await waitFor(
      async () => {
        const pl = await playlist("victim");
        const broken = pl.segments.findIndex((s) => s.discontinuity);
        // Resumed: a discontinuity followed by fresh, independent media.
        return broken >= 0 && pl.segments.slice(broken).some((s) => s.parts.length > 0 && s.parts[0]!.independent) ? pl : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: "the victim's playlist to resume after a discontinuity" },
    );
    expect(victim.transcoderPid).not.toBe(pid);
    expect(resumed.ended).toBe(false);
    // Sequence numbers continue across the break; the new run has its own init segment.
    const broken = resumed.segments.find((s) => s.discontinuity)!;
    const previous = resumed.segments.find((s) => s.msn === broken.msn - 1)!;
    expect(previous).toBeDefined();
    expect(broken.map).not.toBe(previous.map);

    const after = await playlist("bystander");
    expect(after.segments.some((s) => s.discontinuity)).toBe(false);
    expect(position(after)).toBeGreaterThan(position(before));
    expect(fx.origin.registry.get("bystander")!.restarts).toBe(0);
  });

  it("ends the playlist when the publisher leaves, and continues it when they return in time", async () => {
    const first = await publish("comeback");
    await waitForPlaylist(`${fx.base}/live/comeback/240p/index.m3u8`, (t) => t.includes("#EXTINF"));
    await stopProcess(first);
    const stream = fx.origin.registry.get("comeback")!;
    await waitFor(() => stream.state === "reconnecting", { timeoutMs: 15_000, what: "the origin to notice the publisher left" });
    const gap = await playlist("comeback");
    expect(gap.ended).toBe(false);
    // Nothing new while the publisher is away: a blocking reload gives up with 503 after
    // about three target durations.
    const next = gap.preloadHint!.split(".").map(Number) as [number, number];
    const holdStarted = Date.now();
    const held = await fetch(`${fx.base}/live/comeback/240p/index.m3u8?_HLS_msn=${next[0]}&_HLS_part=${next[1]}`);
    expect(held.status).toBe(503);
    expect(Date.now() - holdStarted).toBeGreaterThanOrEqual(2_900);

    // Back within the reconnect window: same stream, sequence numbers go on, a discontinuity.
    await publish("comeback");
    const resumed = parseMediaPlaylist(
      await waitForPlaylist(`${fx.base}/live/comeback/240p/index.m3u8`, (t) => parseMediaPlaylist(t).segments.some((s) => s.discontinuity && s.parts.length > 0), 20_000),
    );
    expect(resumed.mediaSequence).toBeGreaterThanOrEqual(gap.mediaSequence);
    expect(resumed.segments[0]!.msn).toBeLessThanOrEqual(lastPart(gap)!.msn);

    await stopProcess(publishers.at(-1)!);
    const ended = parseMediaPlaylist(await waitForPlaylist(`${fx.base}/live/comeback/240p/index.m3u8`, (t) => t.includes("#EXT-X-ENDLIST"), 20_000));
    expect(ended.preloadHint).toBeUndefined();
    // A blocking reload on an ended stream answers at once with the final playlist.
    const asked = Date.now();
    const late = await get(`${fx.base}/live/comeback/240p/index.m3u8?_HLS_msn=${lastPart(ended)!.msn + 1}`);
    expect(late.status).toBe(200);
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(late.text).toContain("#EXT-X-ENDLIST");
  });

  it("refuses a second publisher for a live stream and bad stream names, with JSON reasons", async () => {
    await publish("single");
    const again = await fetch(`${fx.base}/api/v1/streams/single/contribution`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("already_live");
    const bad = await fetch(`${fx.base}/api/v1/streams/Bad.Name/contribution`, { method: "POST" });
    expect(bad.status).toBe(400);
    const big = await fetch(`${fx.base}/api/v1/streams/x/test-pattern`, { method: "POST", body: "x".repeat(20_000) });
    expect(big.status).toBe(413);
  });
});
