import { spawn } from "node:child_process";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { CLOCK_CELLS, cellBounds, cellMeans, clockBits, clockCodeScript, crc16, decodeClockCells, decodeClockFrame, paintClock } from "../src/latency/clock-code.js";
import { ClockSource } from "../src/latency/clock-source.js";
import { FrameDecoder } from "../src/latency/frame-decoder.js";

const NOW = 1_763_750_000_123; // a 2025 wall-clock ms

function frame(width: number, height: number, value: number): Uint8Array {
  const plane = new Uint8Array(width * height);
  paintClock(plane, width, height, value);
  return plane;
}

/** Encodes raw gray frames with FFmpeg (scale + libx264) and decodes them back through {@link FrameDecoder}. */
async function throughH264(frames: Uint8Array[], width: number, height: number, encode: string[]): Promise<(number | null)[]> {
  const decoder = new FrameDecoder("h264");
  const encoder = spawn(
    "ffmpeg",
    [
      ...["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "gray", "-s", `${width}x${height}`, "-r", "30", "-i", "pipe:0"],
      ...encode,
      ...["-f", "h264", "pipe:1"],
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  encoder.stdout.on("data", (chunk: Buffer) => decoder.write(chunk));
  const encoded = new Promise<void>((resolve) => encoder.stdout.once("end", () => resolve()));
  for (const f of frames) encoder.stdin.write(f);
  encoder.stdin.end();
  await encoded;
  await decoder.end();
  return decoder.frames.map((f) => f.value);
}

describe("clock code", () => {
  it("round-trips values through the pixels of a frame", () => {
    for (const value of [0, 1, NOW, NOW + 33, 2 ** 53 - 1]) {
      expect(decodeClockFrame(frame(1280, 720, value), 1280, 720)).toBe(value);
      expect(decodeClockFrame(frame(160, 90, value), 160, 90)).toBe(value);
    }
  });

  it("reads RGBA pixels (a browser canvas)", () => {
    const gray = frame(128, 48, NOW);
    const rgba = new Uint8ClampedArray(128 * 48 * 4);
    gray.forEach((v, i) => rgba.fill(v, i * 4, i * 4 + 3));
    expect(decodeClockCells(cellMeans(rgba, 128, 48, 4))).toBe(NOW);
  });

  it("hands a page the same encoder as a self-contained script (the browser broadcaster draws with it)", () => {
    // A fresh realm, as a page is: the script must declare everything it uses.
    const page = runInNewContext(`${clockCodeScript()}\n({ clockBits, cellBounds })`) as { clockBits: typeof clockBits; cellBounds: typeof cellBounds };
    for (const value of [0, 1, NOW, 2 ** 53 - 1]) expect([...page.clockBits(value)]).toEqual([...clockBits(value)]);
    for (let i = 0; i < CLOCK_CELLS; i++) expect([...page.cellBounds(i, 854, 480)]).toEqual(cellBounds(i, 854, 480));
  });

  it("rejects frames without a code and corrupted codes", () => {
    expect(decodeClockFrame(new Uint8Array(640 * 360).fill(128), 640, 360)).toBeNull();
    const means = Array.from(clockBits(NOW), (bit) => (bit ? 235 : 16));
    expect(decodeClockCells(means)).toBe(NOW);
    // Any one or two flipped value or CRC cells are caught.
    for (let i = 16; i < CLOCK_CELLS; i++) {
      const one = [...means];
      one[i] = one[i]! > 128 ? 16 : 235;
      expect(decodeClockCells(one)).toBeNull();
      const two = [...one];
      const j = 16 + ((i - 16 + 37) % (CLOCK_CELLS - 16));
      two[j] = two[j]! > 128 ? 16 : 235;
      expect(decodeClockCells(two)).toBeNull();
    }
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0x29b1); // the CRC's check value
  });

  it("survives scaling to 360p and H.264 at a low bit rate (a real FFmpeg encode)", async () => {
    const values = Array.from({ length: 60 }, (_, i) => NOW + Math.round((i * 1000) / 30));
    const frames = values.map((v) => frame(1280, 720, v));
    const decoded = await throughH264(frames, 1280, 720, [
      ...["-vf", "scale=640:360:flags=bicubic", "-pix_fmt", "yuv420p"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-b:v", "150k", "-maxrate", "150k", "-bufsize", "150k", "-g", "30"],
    ]);
    expect(decoded).toEqual(values);
  });

  it("survives 240p at 100 kbit/s", async () => {
    const values = Array.from({ length: 30 }, (_, i) => NOW + i * 33);
    const frames = values.map((v) => frame(640, 360, v));
    const decoded = await throughH264(frames, 640, 360, [
      ...["-vf", "scale=426:240", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "100k", "-maxrate", "100k", "-bufsize", "100k"],
    ]);
    expect(decoded).toEqual(values);
  });
});

describe("clock source", () => {
  it("encodes frames that carry their capture time, in real time", async () => {
    const source = new ClockSource({ url: undefined, tee: false, width: 640, height: 360, frameRate: 30, videoKbps: 800, preset: "ultrafast", gop: 30 });
    const decoder = new FrameDecoder("mpegts");
    source.on("ts", (chunk) => decoder.write(chunk));
    source.start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await source.close();
    await decoder.end();
    const values = decoder.frames.map((f) => f.value);
    expect(values.length).toBeGreaterThan(30);
    // Every frame decodes, in capture order, to exactly the capture time the source recorded.
    expect(values).toEqual(source.captures.slice(0, values.length));
    // Paced at 30 fps.
    const spacing = (source.captures.at(-1)! - source.captures[0]!) / (source.captures.length - 1);
    expect(spacing).toBeGreaterThan(30);
    expect(spacing).toBeLessThan(37);
  });
});
