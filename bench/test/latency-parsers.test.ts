import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { listsPart, preloadHintPart } from "../src/latency/blocking-reloads.js";
import { budget, STAGES, type FrameJourney } from "../src/latency/budget.js";
import { Fmp4Fragments, readChunk } from "../src/latency/fmp4.js";
import { TsVideoFrames } from "../src/latency/mpegts.js";

const run = promisify(execFile);

/** 30 frames of a test pattern with a tone, encoded by FFmpeg into `format` on stdout. */
async function encoded(format: string[]): Promise<Buffer> {
  const { stdout } = await run(
    "ffmpeg",
    [
      ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000"],
      ...["-frames:v", "30", "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-c:a", "aac", ...format, "pipe:1"],
    ],
    { encoding: "buffer", maxBuffer: 64 << 20 },
  );
  return stdout;
}

/** Feeds `bytes` in pseudo-random chunks (cut anywhere, as pipes do). */
function chunked(bytes: Buffer, push: (chunk: Buffer, at: number) => void): void {
  let seed = 7;
  for (let i = 0; i < bytes.length; ) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (seed % 3000);
    push(bytes.subarray(i, i + n), i);
    i += n;
  }
}

describe("MPEG-TS video frames", () => {
  it("finds every video PES and its PTS in chunks cut anywhere", async () => {
    const ts = await encoded(["-f", "mpegts"]);
    const frames: number[] = [];
    const reader = new TsVideoFrames((f) => frames.push(f.pts));
    chunked(ts, (chunk, at) => reader.push(chunk, at));
    expect(frames).toHaveLength(30);
    for (let i = 1; i < frames.length; i++) expect(frames[i]! - frames[i - 1]!).toBe(3000); // 90 kHz at 30 fps
  });
});

describe("fragmented MP4", () => {
  it("reads one fragment per frame from a stream cut anywhere, with the track's timescale", async () => {
    const mp4 = await encoded(["-an", "-f", "mp4", "-movflags", "+empty_moov+default_base_moof+frag_every_frame"]);
    const fragments: { decodeTime: number; samples: number }[] = [];
    const collect = new Fmp4Fragments((f) => fragments.push(f));
    chunked(mp4, (chunk, at) => collect.push(chunk, at));
    expect(collect.timescale).toBeGreaterThan(0);
    expect(fragments).toHaveLength(30);
    expect(fragments.every((f) => f.samples === 1)).toBe(true);
    const step = collect.timescale! / 30;
    fragments.forEach((f, i) => expect(f.decodeTime).toBe(fragments[0]!.decodeTime + i * step));
  });

  it("reads a CMAF chunk's first decode time and sample count", async () => {
    const mp4 = await encoded(["-an", "-f", "mp4", "-movflags", "+empty_moov+default_base_moof+frag_keyframe", "-g", "10"]);
    // Cut out the second moof+mdat pair.
    const moofs: number[] = [];
    for (let i = mp4.indexOf("moof"); i >= 0; i = mp4.indexOf("moof", i + 4)) moofs.push(i - 4);
    const chunk = mp4.subarray(moofs[1], moofs[2]);
    const read = readChunk(chunk);
    expect(read?.samples).toBe(10);
    expect(read?.decodeTime).toBeGreaterThan(0);
  });
});

describe("blocking reload bookkeeping", () => {
  const playlist = [
    "#EXTM3U",
    '#EXT-X-PART:DURATION=0.2,URI="100.3.m4s"',
    '#EXT-X-PART:DURATION=0.2,URI="101.0.m4s",INDEPENDENT=YES',
    '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="101.1.m4s"',
  ].join("\n");
  it("reads the preload hint and whether a part is listed", () => {
    expect(preloadHintPart(playlist)).toEqual({ msn: 101, part: 1 });
    expect(listsPart(playlist, { msn: 101, part: 0 })).toBe(true);
    expect(listsPart(playlist, { msn: 101, part: 1 })).toBe(false);
    expect(preloadHintPart("#EXTM3U")).toBeUndefined();
  });
});

describe("stage budget", () => {
  it("splits each frame's glass-to-glass latency into stages that add up to it", () => {
    const journeys: FrameJourney[] = [0, 1, 2].map((i) => ({
      frame: { frame: i, captured: 1000 + i, encoded: 1080 + i, originIn: 1300 + i, transcoded: 1500 + i, part: "360p/1.0" },
      part: { key: "360p/1.0", closedAt: 1600, arrivedAt: 1602, listedAt: 1607, releasedAt: 1609 },
      displayedAt: 2600 + i,
    }));
    const b = budget(journeys);
    expect(b.complete).toBe(3);
    expect(b.totalMedianMs).toBe(1600);
    expect(b.stages.map((s) => s.stage.id)).toEqual(STAGES.map((s) => s.id));
    expect(Object.fromEntries(b.stages.map((s) => [s.stage.id, s.medianMs]))).toEqual({
      encode: 80,
      contribution: 220,
      transcode: 200,
      part: 99,
      manifest: 2,
      fetch: 5,
      release: 2,
      player: 992,
    });
    expect(b.sumOfMediansMs).toBe(1600);
  });
});
