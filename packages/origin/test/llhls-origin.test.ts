import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { createLogger, partManifest, subjects, type PartManifest } from "@tributary/common";
import { PartPublisher } from "../src/nats/part-publisher.js";
import {
  attributes,
  checkContinuity,
  checkDelta,
  checkSnapshot,
  lastPart,
  parseMediaPlaylist,
  probeMedia,
  startPublisher,
  stopProcess,
  type ParsedMediaPlaylist,
} from "@tributary/testing";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, getBytes, startOrigin, waitForPlaylist, type OriginFixture } from "./origin-fixture.js";

const STREAM = "llhls";
let fx: OriginFixture;
let publisher: ChildProcess;
let live: string;

beforeAll(async () => {
  fx = await startOrigin({ CONTRIBUTION_PORTS: "17100-17109" });
  // The edge's role for now: ask the origin for a contribution listener, publish over SRT.
  const response = await fetch(`${fx.base}/api/v1/streams/${STREAM}/contribution`, { method: "POST" });
  expect(response.status).toBe(201);
  const { url } = (await response.json()) as { url: string };
  publisher = startPublisher(url, { width: 854, height: 480 });
  live = `${fx.base}/live/${STREAM}`;
  await waitForPlaylist(`${live}/480p/index.m3u8`, (t) => t.includes("#EXTINF"));
});

afterAll(async () => {
  if (publisher) await stopProcess(publisher);
  await fx?.close();
});

describe("origin LL-HLS from a live SRT contribution", () => {
  it("offers a ladder that never upscales, with the multivariant attributes", async () => {
    const { status, text, headers } = await get(`${live}/index.m3u8`);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(headers.get("access-control-allow-origin")).toBe("*");
    const variants = text.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF:")).map((l) => attributes(l.slice(18)));
    expect(variants.length).toBeGreaterThanOrEqual(2);
    expect(variants.map((v) => v.RESOLUTION)).toEqual(["854x480", "640x360"]);
    for (const v of variants) {
      expect(Number(v.BANDWIDTH)).toBeGreaterThan(0);
      expect(Number(v["AVERAGE-BANDWIDTH"])).toBeGreaterThan(0);
      expect(v.CODECS).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(Number(v["FRAME-RATE"])).toBe(30);
      expect(v.AUDIO).toBe("audio");
    }
    expect(text).toContain('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio"');
  });

  it("follows a media playlist with blocking reloads for 10 s, every snapshot keeping the LL-HLS rules", async () => {
    const url = `${live}/480p/index.m3u8`;
    let previous = parseMediaPlaylist((await get(url)).text);
    expect(checkSnapshot(previous)).toEqual([]);
    const started = Date.now();
    let reloads = 0;
    let deltas = 0;
    while (Date.now() - started < 10_000) {
      const next = previous.preloadHint!.match(/^(\d+)\.(\d+)\.m4s$/)!;
      const query = `_HLS_msn=${next[1]}&_HLS_part=${next[2]}`;
      const asked = Date.now();
      const reload = await get(`${url}?${query}`);
      expect(reload.status).toBe(200);
      expect(Date.now() - asked).toBeLessThan(3_000);
      expect(reload.headers.get("cache-control")).toMatch(/max-age=\d+/);
      const current = parseMediaPlaylist(reload.text);
      // The hold ends only once the asked-for part is in the playlist.
      const newest = lastPart(current)!;
      expect(newest.msn * 1000 + newest.part).toBeGreaterThanOrEqual(Number(next[1]) * 1000 + Number(next[2]));
      expect(checkSnapshot(current)).toEqual([]);
      expect(checkContinuity(previous, current)).toEqual([]);
      await expectReportsNotAhead(current);
      if (reloads % 10 === 0) {
        // The same blocking point gives the same state, full and as a delta update.
        const delta = parseMediaPlaylist((await get(`${url}?${query}&_HLS_skip=YES`)).text);
        const full = parseMediaPlaylist((await get(`${url}?${query}`)).text);
        if (delta.skipped > 0) deltas += 1;
        expect(checkDelta(full, delta)).toEqual([]);
      }
      previous = current;
      reloads += 1;
    }
    // About five parts a second; the hold released each one.
    expect(reloads).toBeGreaterThanOrEqual(35);
    expect(deltas).toBeGreaterThan(0);
  });

  it("holds a request for the preload-hinted part until the part is complete", async () => {
    const pl = parseMediaPlaylist((await get(`${live}/480p/index.m3u8`)).text);
    const hint = pl.preloadHint!;
    const [msn, part] = hint.split(".").map(Number) as [number, number];
    const asked = Date.now();
    const response = await fetch(`${live}/480p/${hint}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("cache-control")).toContain("immutable");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Date.now() - asked).toBeLessThan(1_000);
    // What the hold returned is exactly the part the playlist then lists.
    const after = parseMediaPlaylist((await get(`${live}/480p/index.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`)).text);
    expect(after.segments.find((s) => s.msn === msn)!.parts[part]!.uri).toBe(hint);
    expect(bytes.equals(await getBytes(`${live}/480p/${hint}`))).toBe(true);
    // A part far ahead is not held: 404 at once.
    expect((await fetch(`${live}/480p/${msn + 5}.0.m4s`)).status).toBe(404);
  });

  it("answers 400 for an _HLS_msn more than two segments ahead, with a JSON reason", async () => {
    const pl = parseMediaPlaylist((await get(`${live}/480p/index.m3u8`)).text);
    const far = lastPart(pl)!.msn + 3;
    const response = await fetch(`${live}/480p/index.m3u8?_HLS_msn=${far}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("msn_too_far");
    for (const bad of ["_HLS_msn=-1", "_HLS_part=1", "_HLS_msn=1&_HLS_part=x", "_HLS_skip=NO"]) {
      expect((await fetch(`${live}/480p/index.m3u8?${bad}`)).status).toBe(400);
    }
    expect((await fetch(`${live}/4320p/index.m3u8`)).status).toBe(404);
    expect((await fetch(`${live}/480p/..%2f..%2fetc%2fpasswd`)).status).toBe(400);
  });

  it("serves parts and segments that decode, a segment being its parts end to end", async () => {
    const pl = parseMediaPlaylist((await get(`${live}/480p/index.m3u8`)).text);
    const segment = pl.segments.findLast((s) => s.uri !== undefined && s.parts.length > 0)!;
    const init = await getBytes(`${live}/480p/${segment.map}`);
    const parts = await Promise.all(segment.parts.map((p) => getBytes(`${live}/480p/${p.uri}`)));
    const whole = await getBytes(`${live}/480p/${segment.uri}`);
    expect(whole.equals(Buffer.concat(parts))).toBe(true);

    const decoded = await probeMedia(Buffer.concat([init, whole]));
    expect(decoded).toMatchObject({ codec: "h264", width: 854, height: 480 });
    expect(decoded.frames).toBe(Math.round(segment.duration! * 30));
    const first = await probeMedia(Buffer.concat([init, parts[0]!]));
    expect(first.frames).toBe(Math.round(segment.parts[0]!.duration * 30));

    const audio = parseMediaPlaylist((await get(`${live}/audio/index.m3u8`)).text);
    expect(checkSnapshot(audio)).toEqual([]);
    const audioSegment = audio.segments.findLast((s) => s.uri !== undefined)!;
    const audioBytes = Buffer.concat([await getBytes(`${live}/audio/${audioSegment.map}`), await getBytes(`${live}/audio/${audioSegment.uri}`)]);
    expect(await probeMedia(audioBytes)).toMatchObject({ codec: "aac" });
    const response = await fetch(`${live}/audio/${audioSegment.uri}`);
    expect(response.headers.get("content-type")).toBe("audio/mp4");
  });

  it("publishes one JetStream manifest per part, matching the parts served", async () => {
    const nc = await connect({ servers: fx.nats.url });
    try {
      // The stream exists once, with the configured limits, however often origins ensure it.
      const jsm = await jetstreamManager(nc);
      const held = (await jsm.streams.info("MEDIA")).state.messages;
      await new PartPublisher(nc, createLogger("test", "silent")).ensureStream({ maxAgeSeconds: 120, maxBytes: 256 << 20 });
      const info = await jsm.streams.info("MEDIA");
      expect(info.state.messages).toBeGreaterThanOrEqual(held);
      expect(info.config.max_age).toBe(120 * 1e9);
      expect(info.config.max_bytes).toBe(256 * 1024 * 1024);
      expect(info.config.subjects).toEqual(["media.parts.>", "media.status.>"]);
      const js = jetstream(nc);
      const consumer = await js.consumers.get("MEDIA", { filter_subjects: subjects.part(STREAM, "480p") });
      const manifests: PartManifest[] = [];
      const pl = parseMediaPlaylist((await get(`${live}/480p/index.m3u8`)).text);
      const newest = lastPart(pl)!;
      const messages = await consumer.consume();
      for await (const m of messages) {
        const manifest = partManifest.parse(m.json());
        manifests.push(manifest);
        if (manifest.msn > newest.msn || (manifest.msn === newest.msn && manifest.part >= newest.part)) break;
      }
      await messages.close();
      const byKey = new Map(manifests.map((m) => [`${m.msn}.${m.part}`, m]));
      expect(byKey.size).toBe(manifests.length); // one manifest per part, no duplicates
      for (const segment of pl.segments) {
        segment.parts.forEach((part, i) => {
          const m = byKey.get(`${segment.msn}.${i}`);
          expect(m, `manifest for ${segment.msn}.${i}`).toBeDefined();
          expect(m!.duration).toBeCloseTo(part.duration, 4);
          expect(m!.independent).toBe(part.independent);
          expect(m!.uri).toBe(`/live/${STREAM}/480p/${part.uri}`);
        });
      }
      const sample = manifests.at(-1)!;
      const bytes = await getBytes(`${sample.origin}${sample.uri}`);
      expect(bytes.length).toBe(sample.size);
    } finally {
      await nc.close();
    }
  });
});

/** A rendition report must not claim parts the other rendition does not serve yet. */
async function expectReportsNotAhead(pl: ParsedMediaPlaylist): Promise<void> {
  for (const report of pl.renditionReports) {
    const name = report.uri.split("/")[1]!;
    const other = parseMediaPlaylist((await get(`${live}/${name}/index.m3u8`)).text);
    const served = lastPart(other)!;
    const claimed = report.lastMsn * 1000 + (report.lastPart ?? 0);
    expect(served.msn * 1000 + served.part, `${name} report`).toBeGreaterThanOrEqual(claimed);
  }
}
